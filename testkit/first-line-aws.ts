/**
 * A deployed first-line as AWS would answer the on-call commands, on the loopback stand-in
 * (testkit/aws-stand-in.ts): per region of a configuration, its lock table (DynamoDB GetItem,
 * PutItem, DeleteItem, Scan on a {@link FakeLockTable}), its CPU alarms (CloudWatch
 * DescribeAlarms, SetAlarmState) and its state machine's executions (Step Functions
 * ListExecutions, DescribeExecution, GetExecutionHistory). Names are the deployed ones
 * (stacks/regional-workflow, stacks/naming); a call to any other name answers AWS's not-found
 * error.
 *
 * Executions are real: {@link FirstLineAws.run} (and an alarm going to ALARM through
 * SetAlarmState while its rule is enabled, as EventBridge would) runs the region's synthesized
 * definition in the workflow harness against the same lock table the commands read and write,
 * with the rule target's real input template. Regions are told apart by the request's region
 * and the account of its credentials (assumed roles identify as their account).
 */
import { randomUUID } from "node:crypto";
import type { ResolvedConfig, ResolvedInstance, ResolvedRegion } from "../stacks/config";
import type { FunctionName } from "../stacks/function-catalog";
import { alarmArn, cpuAlarmName, stateMachineArn } from "../stacks/naming";
import { inputTemplate } from "../stacks/regional-first-line";
import { type RegionalWorkflow, regionalWorkflow } from "../stacks/regional-workflow";
import { type AwsCall, AwsStandIn, awsError, ok } from "./aws-stand-in";
import { renderInputTemplate } from "./input-template";
import {
  FakeLockTable,
  type InstanceStatus,
  type LambdaHandler,
  type RunResult,
  runWorkflow,
} from "./workflow-harness";

/** CloudWatch alarm states. */
export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** One execution as Step Functions keeps it. */
export interface StoredExecution {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  status: "RUNNING" | "SUCCEEDED" | "FAILED";
  readonly startDate: Date;
  stopDate?: Date;
  readonly input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** The history: ExecutionStarted, each `<Type>StateEntered` with its state's name, the end. */
  readonly events: { timestamp: Date; type: string; name?: string }[];
  /** What the harness reports once it has ended (Lambda calls, lock writes, metrics, states). */
  result?: RunResult;
  /** Settles when the execution has ended. */
  readonly done: Promise<void>;
}

/** How one execution behaves (the harness's options). */
export interface RunBehaviour {
  /** Handlers replacing the default stubs (every check passes). */
  readonly lambdas?: Partial<Record<FunctionName, LambdaHandler>>;
  readonly ec2Statuses?: readonly InstanceStatus[];
  /** When it starts (its clock too). @default now */
  readonly at?: Date;
}

export interface FirstLineAwsOptions {
  /** The configuration "deployed". */
  readonly config: ResolvedConfig;
  /** Account of the default credentials, where regions without `accounts` are. @default "123456789012" */
  readonly accountId?: string;
  /** How executions that SetAlarmState starts behave, per instance. @default every check passes */
  readonly behaviour?: (instanceId: string) => RunBehaviour;
  /** How long "EventBridge" takes to start an execution after the alarm goes to ALARM. @default 0 */
  readonly startDelayMs?: number;
}

interface Deployed {
  readonly region: ResolvedRegion;
  readonly accountId: string;
  readonly workflow: RegionalWorkflow;
  readonly stateMachineArn: string;
  readonly table: FakeLockTable;
  readonly alarms: Map<string, { state: AlarmState; updated: Date; instance: ResolvedInstance }>;
  readonly executions: StoredExecution[];
}

const epoch = (date: Date) => date.getTime() / 1000;

/** A DynamoDB-style error from the fake table's named error (`DynamoDB.X` -> `X`). */
function tableError(error: unknown) {
  const e = error as Error;
  return awsError(400, e.name.replace(/^DynamoDB\./, ""), e.message);
}

export class FirstLineAws {
  private readonly deployed: Deployed[];
  private readonly pending: Promise<void>[] = [];

  private constructor(
    readonly standIn: AwsStandIn,
    private readonly options: FirstLineAwsOptions,
  ) {
    const { config } = options;
    this.deployed = config.regions.map((region) => {
      const accountId = region.account?.accountId ?? standIn.accountId;
      const workflow = regionalWorkflow(config.stackName, region);
      return {
        region,
        accountId,
        workflow,
        stateMachineArn: stateMachineArn(region.name, accountId, workflow.stateMachineName),
        table: new FakeLockTable(workflow.lockTableName),
        alarms: new Map(
          region.instances.map((instance) => [
            cpuAlarmName(config.stackName, region.name, instance.settings.instanceId),
            { state: "OK" as AlarmState, updated: new Date(), instance },
          ]),
        ),
        executions: [],
      };
    });
    this.install();
  }

  /** Starts a stand-in on 127.0.0.1 serving the configuration's regions. */
  static async start(options: FirstLineAwsOptions): Promise<FirstLineAws> {
    const standIn = await AwsStandIn.start(options.accountId ? { accountId: options.accountId } : {});
    return new FirstLineAws(standIn, options);
  }

  /** `AWS_ENDPOINT_URL_*` for every service the on-call commands call. */
  env(): Record<string, string> {
    return this.standIn.endpointEnv("DYNAMODB", "SFN", "CLOUDWATCH", "STS");
  }

  /** A region's deployment (its key: `eu-west-1`, or `prod-eu-west-1` with accounts). */
  region(key: string): Deployed {
    const found = this.deployed.find((d) => d.region.key === key);
    if (!found) throw new Error(`no region ${key} in the configuration`);
    return found;
  }

  /** The lock table of a region (by key). */
  table(key: string): FakeLockTable {
    return this.region(key).table;
  }

  /** Sets an alarm's state without starting anything (as if it had been so for a while). */
  setAlarmState(key: string, alarmName: string, state: AlarmState): void {
    const alarm = this.region(key).alarms.get(alarmName);
    if (!alarm) throw new Error(`no alarm ${alarmName} in ${key}`);
    alarm.state = state;
  }

  /** Runs one execution for an instance as its rule would start it; resolves when it has ended. */
  async run(key: string, instanceId: string, behaviour: RunBehaviour = {}): Promise<StoredExecution> {
    const deployed = this.region(key);
    const alarmName = cpuAlarmName(this.options.config.stackName, deployed.region.name, instanceId);
    const alarm = deployed.alarms.get(alarmName);
    if (!alarm) throw new Error(`no instance ${instanceId} in ${key}`);
    const execution = this.start(deployed, alarm.instance, alarmName, behaviour);
    await execution.done;
    return execution;
  }

  /** Forgets recorded calls and injected faults (between tests; tables, alarms and executions stay). */
  reset(): void {
    this.standIn.clearFaults();
    this.standIn.clearCalls();
  }

  /** Waits for every execution SetAlarmState started. */
  async idle(): Promise<void> {
    await Promise.all(this.pending);
  }

  async close(): Promise<void> {
    await this.idle();
    await this.standIn.close();
  }

  private start(
    deployed: Deployed,
    instance: ResolvedInstance,
    alarmName: string,
    behaviour: RunBehaviour,
  ): StoredExecution {
    const startDate = behaviour.at ?? new Date();
    const name = randomUUID();
    const executionArn = `${deployed.stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
    // The rule target's own template, filled as EventBridge fills it.
    const input = renderInputTemplate(inputTemplate(instance.settings), {
      alarmName,
      alarmArn: alarmArn(deployed.region.name, deployed.accountId, alarmName),
      time: startDate.toISOString(),
    });
    const events: StoredExecution["events"] = [{ timestamp: startDate, type: "ExecutionStarted" }];
    const states = deployed.workflow.definition.States;
    let finish: () => void = () => {};
    const execution: StoredExecution = {
      executionArn,
      name,
      stateMachineArn: deployed.stateMachineArn,
      status: "RUNNING",
      startDate,
      input: JSON.stringify(input),
      events,
      done: new Promise<void>((resolve) => {
        finish = resolve;
      }),
    };
    deployed.executions.push(execution);
    const offset = startDate.getTime() - Date.now();
    runWorkflow({
      definition: deployed.workflow.definition,
      input,
      lockTable: deployed.table,
      executionArn,
      executionName: name,
      clockStart: startDate.toISOString(),
      ...(behaviour.lambdas ? { lambdas: behaviour.lambdas } : {}),
      ...(behaviour.ec2Statuses ? { ec2Statuses: behaviour.ec2Statuses } : {}),
      onEvent: (event) => {
        if (event.type !== "StateEntered") return;
        const type = states[event.state.name]?.Type ?? "Task";
        events.push({
          timestamp: new Date(Date.now() + offset),
          type: `${type}StateEntered`,
          name: event.state.name,
        });
      },
    })
      .then((result) => {
        execution.result = result;
        execution.status = result.status;
        execution.stopDate = new Date(Date.now() + offset);
        if (result.output !== undefined) execution.output = JSON.stringify(result.output);
        if (result.error !== undefined) execution.error = result.error;
        if (result.cause !== undefined) execution.cause = result.cause;
        events.push({
          timestamp: execution.stopDate,
          type: `Execution${result.status === "SUCCEEDED" ? "Succeeded" : "Failed"}`,
        });
      })
      .catch((error: unknown) => {
        execution.status = "FAILED";
        execution.stopDate = new Date();
        execution.error = "FirstLineStandIn.HarnessFailed";
        execution.cause = String(error);
      })
      .finally(finish);
    return execution;
  }

  /** The region a call is for: its region and the account of its credentials. */
  private target(call: AwsCall): Deployed | undefined {
    const account = this.standIn.accountOf(call.accessKeyId);
    return this.deployed.find((d) => d.region.name === call.region && d.accountId === account);
  }

  private install(): void {
    const s = this.standIn;
    const body = (call: AwsCall) => (call.body ?? {}) as Record<string, unknown>;

    // --- DynamoDB: the lock table ------------------------------------------------------------
    const table = (call: AwsCall, work: (t: FakeLockTable, params: never) => unknown) => {
      const params = body(call);
      const deployed = this.target(call);
      if (!deployed || params.TableName !== deployed.table.tableName) {
        return awsError(400, "ResourceNotFoundException", "Requested resource not found");
      }
      try {
        return ok(work(deployed.table, params as never));
      } catch (error) {
        return tableError(error);
      }
    };
    s.on("dynamodb", "GetItem", (call) => table(call, (t, p) => t.getItem(p)));
    s.on("dynamodb", "PutItem", (call) => table(call, (t, p) => t.putItem(p)));
    s.on("dynamodb", "DeleteItem", (call) => table(call, (t, p) => t.deleteItem(p)));
    s.on("dynamodb", "Scan", (call) => table(call, (t, p) => t.scan(p)));

    // --- CloudWatch: the CPU alarms ------------------------------------------------------------
    s.on("monitoring", "DescribeAlarms", (call) => {
      const names = (body(call).AlarmNames as string[] | undefined) ?? [];
      const deployed = this.target(call);
      const found = names.flatMap((name) => {
        const alarm = deployed?.alarms.get(name);
        if (!deployed || !alarm) return [];
        return [
          {
            AlarmName: name,
            AlarmArn: alarmArn(deployed.region.name, deployed.accountId, name),
            StateValue: alarm.state,
            StateUpdatedTimestamp: epoch(alarm.updated),
            Namespace: "AWS/EC2",
            MetricName: "CPUUtilization",
            Period: alarm.instance.alarm.periodSeconds,
          },
        ];
      });
      return ok({ MetricAlarms: found, CompositeAlarms: [] });
    });
    s.on("monitoring", "SetAlarmState", (call) => {
      const { AlarmName: name, StateValue: state } = body(call) as {
        AlarmName?: string;
        StateValue?: AlarmState;
      };
      const deployed = this.target(call);
      const alarm = name === undefined ? undefined : deployed?.alarms.get(name);
      if (!deployed || !alarm || name === undefined) {
        return awsError(404, "ResourceNotFound", `Alarm ${name} not found`);
      }
      const changed = alarm.state !== state;
      alarm.state = state ?? alarm.state;
      alarm.updated = new Date();
      // EventBridge: the rule matches this alarm going to ALARM, if the rule is enabled.
      if (changed && state === "ALARM" && alarm.instance.enabled) {
        const instanceId = alarm.instance.settings.instanceId;
        const behaviour = this.options.behaviour?.(instanceId) ?? {};
        const delay = this.options.startDelayMs ?? 0;
        this.pending.push(
          new Promise<void>((resolve) => setTimeout(resolve, delay)).then(
            () => this.start(deployed, alarm.instance, name, behaviour).done,
          ),
        );
      }
      return ok({});
    });

    // --- Step Functions: the executions --------------------------------------------------------
    const machine = (call: AwsCall) => {
      const deployed = this.target(call);
      return deployed && deployed.stateMachineArn === body(call).stateMachineArn ? deployed : undefined;
    };
    const execution = (call: AwsCall) =>
      this.target(call)?.executions.find((e) => e.executionArn === body(call).executionArn);
    const noExecution = (call: AwsCall) =>
      awsError(
        400,
        "ExecutionDoesNotExist",
        `Execution Does Not Exist: '${String(body(call).executionArn)}'`,
      );
    const listed = (e: StoredExecution) => ({
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: epoch(e.startDate),
      ...(e.stopDate ? { stopDate: epoch(e.stopDate) } : {}),
    });
    const page = <T>(items: readonly T[], call: AwsCall, defaultSize: number) => {
      const start = Number(body(call).nextToken ?? 0);
      const size = Number(body(call).maxResults ?? defaultSize) || defaultSize;
      const next = start + size < items.length ? { nextToken: String(start + size) } : {};
      return { items: items.slice(start, start + size), next };
    };
    s.on("states", "ListExecutions", (call) => {
      const deployed = machine(call);
      if (!deployed)
        return awsError(
          400,
          "StateMachineDoesNotExist",
          `State Machine Does Not Exist: '${String(body(call).stateMachineArn)}'`,
        );
      const newestFirst = [...deployed.executions].sort(
        (a, b) => b.startDate.getTime() - a.startDate.getTime(),
      );
      const { items, next } = page(newestFirst, call, 100);
      return ok({
        executions: items.map(listed),
        ...next,
      });
    });
    s.on("states", "DescribeExecution", (call) => {
      const e = execution(call);
      if (!e) return noExecution(call);
      return ok({
        ...listed(e),
        input: e.input,
        ...(e.output !== undefined ? { output: e.output } : {}),
        ...(e.error !== undefined ? { error: e.error } : {}),
        ...(e.cause !== undefined ? { cause: e.cause } : {}),
      });
    });
    s.on("states", "GetExecutionHistory", (call) => {
      const e = execution(call);
      if (!e) return noExecution(call);
      const { items, next } = page(e.events, call, 100);
      const offset = Number(body(call).nextToken ?? 0);
      return ok({
        events: items.map((event, i) => ({
          id: offset + i + 1,
          timestamp: epoch(event.timestamp),
          type: event.type,
          ...(event.name ? { stateEnteredEventDetails: { name: event.name } } : {}),
        })),
        ...next,
      });
    });
  }
}

/**
 * A jest suite's deployed first-line: started before the suite and closed after it; each test
 * runs with the AWS SDK pointed at it (`process.env`, restored afterwards) and starts with no
 * recorded calls or faults. `cleanUp` runs after each test once the executions it started have
 * ended, e.g. to clear items it wrote. Call it at the top of a test file.
 */
export function useFirstLineAws(
  options: FirstLineAwsOptions,
  cleanUp?: (aws: FirstLineAws) => unknown,
): () => FirstLineAws {
  let aws: FirstLineAws | undefined;
  const get = () => {
    if (!aws) throw new Error("the stand-in is not started yet (use it inside a test or a hook)");
    return aws;
  };
  const saved = { ...process.env };
  beforeAll(async () => {
    aws = await FirstLineAws.start(options);
  });
  afterAll(async () => {
    await aws?.close();
  });
  beforeEach(() => {
    Object.assign(process.env, get().env());
  });
  afterEach(async () => {
    await get().idle();
    await cleanUp?.(get());
    process.env = { ...saved };
    get().reset();
  });
  return get;
}
