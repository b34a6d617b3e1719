/**
 * The loopback AWS stand-in (testkit/aws-stand-in.ts), driven by real SDK v3 clients reaching
 * it through AWS_ENDPOINT_URL_* or an explicit endpoint, in each wire protocol: query (STS),
 * JSON 1.0 (Step Functions, CloudWatch), JSON 1.1 (Secrets Manager), EC2's query dialect,
 * REST-XML (Route 53) and REST-JSON (plain signed HTTP).
 */
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeInstanceStatusCommand, EC2Client, RebootInstancesCommand } from "@aws-sdk/client-ec2";
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  ValidateStateMachineDefinitionCommand,
} from "@aws-sdk/client-sfn";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { parseConfig } from "../../stacks/config";
import { regionalWorkflow } from "../../stacks/regional-workflow";
import { AwsStandIn, awsError, ok, rawAnswer } from "../../testkit/aws-stand-in";
import { committedExample } from "../../testkit/synth";

let standIn: AwsStandIn;
const savedEnv = { ...process.env };

beforeAll(async () => {
  standIn = await AwsStandIn.start();
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(() => standIn.clearCalls());
afterEach(() => {
  process.env = { ...savedEnv };
});

/** Clients built after this read the stand-in's endpoints from the environment, as in Lambda. */
function useEnv(env: Record<string, string>): void {
  Object.assign(process.env, env);
}

describe("STS (query protocol), built in", () => {
  it("answers GetCallerIdentity through AWS_ENDPOINT_URL_STS and records service, operation and region", async () => {
    useEnv(standIn.endpointEnv("STS"));
    const sts = new STSClient({ region: "ap-southeast-2" });

    const identity = await sts.send(new GetCallerIdentityCommand({}));

    expect(identity).toMatchObject({
      Account: "123456789012",
      Arn: "arn:aws:iam::123456789012:user/first-line-test",
    });
    expect(standIn.calls).toEqual([
      expect.objectContaining({
        service: "sts",
        operation: "GetCallerIdentity",
        region: "ap-southeast-2",
        protocol: "query",
        accessKeyId: process.env.AWS_ACCESS_KEY_ID,
        body: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      }),
    ]);
  });

  it("issues credentials with AssumeRole that then identify as the assumed role of its account", async () => {
    const sts = new STSClient({ region: "eu-west-1", endpoint: standIn.url });

    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: "arn:aws:iam::210987654321:role/ops/deployer",
        RoleSessionName: "first-line-x",
      }),
    );
    const credentials = assumed.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error("no credentials issued");
    const asRole = new STSClient({
      region: "eu-west-1",
      endpoint: standIn.url,
      credentials: {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        sessionToken: credentials.SessionToken,
      },
    });
    const identity = await asRole.send(new GetCallerIdentityCommand({}));

    expect(assumed.AssumedRoleUser?.Arn).toBe("arn:aws:sts::210987654321:assumed-role/deployer/first-line-x");
    expect(credentials.Expiration?.getTime()).toBeGreaterThan(Date.now());
    expect(identity).toMatchObject({
      Account: "210987654321",
      Arn: "arn:aws:sts::210987654321:assumed-role/deployer/first-line-x",
    });
    expect(standIn.callsTo("sts", "AssumeRole")[0]?.body).toMatchObject({
      RoleArn: "arn:aws:iam::210987654321:role/ops/deployer",
      RoleSessionName: "first-line-x",
    });
  });

  it("rejects AssumeRole of something that is not a role as a query-protocol error the SDK names", async () => {
    const sts = new STSClient({ region: "eu-west-1", endpoint: standIn.url, maxAttempts: 1 });

    const call = sts.send(
      new AssumeRoleCommand({ RoleArn: "arn:aws:iam::123:user/x", RoleSessionName: "s1" }),
    );

    await expect(call).rejects.toMatchObject({
      name: "ValidationError",
      message: 'RoleArn "arn:aws:iam::123:user/x" is not a role ARN',
      $metadata: expect.objectContaining({ httpStatusCode: 400 }),
    });
  });
});

describe("IAM GetUser (query protocol), built in", () => {
  /** A form POST signed (in scope only) with `accessKeyId`, as the Go SDK sends it. */
  const getUser = (accessKeyId: string) =>
    fetch(standIn.url, {
      method: "POST",
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      },
      body: "Action=GetUser&Version=2010-05-08",
    });

  it("names the user of long-term credentials, as the provider's account lookup expects", async () => {
    const response = await getUser("AKIAFIRSTLINETEST000");

    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(
      /<GetUserResult><User><Path>\/<\/Path><UserName>first-line-test<\/UserName>.*<Arn>arn:aws:iam::123456789012:user\/first-line-test<\/Arn>/,
    );
  });

  it("refuses role-session credentials the way IAM does", async () => {
    const sts = new STSClient({ region: "eu-west-1", endpoint: standIn.url });
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: "arn:aws:iam::210987654321:role/deployer", RoleSessionName: "s1" }),
    );

    const response = await getUser(assumed.Credentials?.AccessKeyId ?? "");

    expect(response.status).toBe(400);
    expect(await response.text()).toContain("<Code>ValidationError</Code>");
  });
});

describe("Step Functions (JSON 1.0): ValidateStateMachineDefinition, built in", () => {
  const sfn = () => new SFNClient({ region: "eu-north-1", endpoint: standIn.url });

  it("passes the project's own definition", async () => {
    const region = parseConfig(committedExample()).regions[0];
    if (region === undefined) throw new Error("the example has no region");
    const definition = JSON.stringify(regionalWorkflow("fl", region).definition);

    const result = await sfn().send(
      new ValidateStateMachineDefinitionCommand({ definition, type: "STANDARD" }),
    );

    expect(result).toMatchObject({ result: "OK", diagnostics: [], truncated: false });
    expect(standIn.callsTo("states", "ValidateStateMachineDefinition")).toEqual([
      expect.objectContaining({
        region: "eu-north-1",
        protocol: "json",
        body: { definition, type: "STANDARD" },
      }),
    ]);
  });

  it("fails a definition whose transition has no target, with asl-validator's diagnostic", async () => {
    const definition = JSON.stringify({
      StartAt: "A",
      States: { A: { Type: "Pass", Next: "Missing" } },
    });

    const result = await sfn().send(new ValidateStateMachineDefinitionCommand({ definition }));

    expect(result.result).toBe("FAIL");
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: "ERROR",
        code: "MISSING_TRANSITION_TARGET",
        message: expect.stringMatching(/target: Missing/),
      }),
    );
  });

  it("fails text that is not JSON as the service does", async () => {
    const result = await sfn().send(
      new ValidateStateMachineDefinitionCommand({ definition: '{"StartAt": ' }),
    );

    expect(result).toMatchObject({
      result: "FAIL",
      diagnostics: [expect.objectContaining({ severity: "ERROR", code: "INVALID_JSON_DESCRIPTION" })],
    });
  });

  it("cuts the diagnostics at maxResults and says so", async () => {
    const definition = JSON.stringify({
      StartAt: "A",
      States: {
        A: { Type: "Pass", Next: "X" },
        B: { Type: "Pass", Next: "Y" },
        C: { Type: "Pass", Next: "Z" },
      },
    });

    const result = await sfn().send(new ValidateStateMachineDefinitionCommand({ definition, maxResults: 1 }));

    expect(result.diagnostics).toHaveLength(1);
    expect(result.truncated).toBe(true);
  });

  it("answers an error a test registers with the code the SDK names", async () => {
    standIn.on("states", "DescribeExecution", (call) =>
      awsError(
        400,
        "ExecutionDoesNotExist",
        `no execution ${(call.body as { executionArn: string }).executionArn}`,
      ),
    );

    const call = sfn().send(
      new DescribeExecutionCommand({ executionArn: "arn:aws:states:eu-north-1:1:execution:m:e" }),
    );

    await expect(call).rejects.toMatchObject({
      name: "ExecutionDoesNotExist",
      message: "no execution arn:aws:states:eu-north-1:1:execution:m:e",
    });
  });
});

describe("handlers a test registers", () => {
  it("answers CloudWatch (JSON 1.0, query-compatible) and records the parsed body", async () => {
    standIn.on("monitoring", "PutMetricData", () => ok({}));
    useEnv(standIn.endpointEnv("CloudWatch"));
    const cloudwatch = new CloudWatchClient({ region: "us-east-1" });

    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: "FirstLine",
        MetricData: [{ MetricName: "Executions", Value: 1 }],
      }),
    );

    expect(standIn.callsTo("monitoring", "PutMetricData")).toEqual([
      expect.objectContaining({
        region: "us-east-1",
        body: { Namespace: "FirstLine", MetricData: [{ MetricName: "Executions", Value: 1 }] },
      }),
    ]);
  });

  it("answers a query-compatible error with the query code, which the SDK maps to its exception", async () => {
    standIn.on("monitoring", "PutMetricData", () => awsError(400, "InvalidParameterValue", "bad value"));
    const cloudwatch = new CloudWatchClient({ region: "us-east-1", endpoint: standIn.url, maxAttempts: 1 });

    const call = cloudwatch.send(new PutMetricDataCommand({ Namespace: "FirstLine", MetricData: [] }));

    await expect(call).rejects.toMatchObject({
      name: "InvalidParameterValueException",
      message: "bad value",
    });
  });

  it("answers Secrets Manager (JSON 1.1) through the global AWS_ENDPOINT_URL", async () => {
    standIn.on("secretsmanager", "GetSecretValue", (call) =>
      ok({ Name: (call.body as { SecretId: string }).SecretId, SecretString: "hunter2" }),
    );
    useEnv(standIn.endpointEnv());
    const secrets = new SecretsManagerClient({ region: "eu-west-3" });

    const value = await secrets.send(new GetSecretValueCommand({ SecretId: "first-line/slack-webhook" }));

    expect(value).toMatchObject({ Name: "first-line/slack-webhook", SecretString: "hunter2" });
    expect(standIn.callsTo("secretsmanager")[0]).toMatchObject({ region: "eu-west-3", protocol: "json" });
  });

  it("answers EC2's query dialect with item lists, and its errors in EC2's own envelope", async () => {
    standIn.on("ec2", "DescribeInstanceStatus", (call) =>
      ok({
        instanceStatusSet: [
          {
            instanceId: (call.body as Record<string, string>)["InstanceId.1"],
            instanceState: { code: 16, name: "running" },
            instanceStatus: { status: "ok" },
            systemStatus: { status: "ok" },
          },
        ],
      }),
    );
    standIn.on("ec2", "RebootInstances", () =>
      awsError(400, "IncorrectInstanceState", "instance is stopping"),
    );
    useEnv(standIn.endpointEnv("EC2"));
    const ec2 = new EC2Client({ region: "sa-east-1", maxAttempts: 1 });

    const status = await ec2.send(
      new DescribeInstanceStatusCommand({ InstanceIds: ["i-0123456789abcdef0"] }),
    );
    const reboot = ec2.send(new RebootInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] }));

    expect(status.InstanceStatuses).toEqual([
      {
        InstanceId: "i-0123456789abcdef0",
        InstanceState: { Code: 16, Name: "running" },
        InstanceStatus: { Status: "ok" },
        SystemStatus: { Status: "ok" },
      },
    ]);
    await expect(reboot).rejects.toMatchObject({
      name: "IncorrectInstanceState",
      message: "instance is stopping",
    });
    expect(standIn.callsTo("ec2").map((c) => [c.protocol, c.operation, c.region])).toEqual([
      ["ec2", "DescribeInstanceStatus", "sa-east-1"],
      ["ec2", "RebootInstances", "sa-east-1"],
    ]);
  });

  it("routes REST-XML (Route 53) by method and path, with named list items and path parameters", async () => {
    const route = { method: "GET", path: "/2013-04-01/healthcheck/{HealthCheckId}/status" };
    standIn.on(
      "route53",
      "GetHealthCheckStatus",
      () =>
        ok(
          {
            HealthCheckObservations: [
              {
                Region: "us-east-1",
                IPAddress: "15.177.2.1",
                StatusReport: { Status: "Success: HTTP Status Code 200" },
              },
              { Region: "eu-west-1", IPAddress: "15.177.3.1", StatusReport: { Status: "Failure: timeout" } },
            ],
          },
          { listItem: "HealthCheckObservation" },
        ),
      route,
    );
    useEnv(standIn.endpointEnv("Route 53"));
    const route53 = new Route53Client({ region: "us-east-1" });

    const status = await route53.send(
      new GetHealthCheckStatusCommand({ HealthCheckId: "abcdef01-2345-6789-abcd-ef0123456789" }),
    );

    expect(status.HealthCheckObservations?.map((o) => o.StatusReport?.Status)).toEqual([
      "Success: HTTP Status Code 200",
      "Failure: timeout",
    ]);
    expect(standIn.callsTo("route53", "GetHealthCheckStatus")[0]).toMatchObject({
      protocol: "rest-xml",
      pathParams: { HealthCheckId: "abcdef01-2345-6789-abcd-ef0123456789" },
    });
  });

  it("answers a REST-XML error in Route 53's envelope", async () => {
    standIn.on("route53", "GetHealthCheckStatus", () => awsError(404, "NoSuchHealthCheck", "no such check"), {
      method: "GET",
      path: "/2013-04-01/healthcheck/{HealthCheckId}/status",
    });
    const route53 = new Route53Client({ region: "us-east-1", endpoint: standIn.url, maxAttempts: 1 });

    const call = route53.send(
      new GetHealthCheckStatusCommand({ HealthCheckId: "abcdef01-2345-6789-abcd-ef0123456789" }),
    );

    await expect(call).rejects.toMatchObject({ name: "NoSuchHealthCheck", message: "no such check" });
  });

  it("routes REST-JSON with a greedy path parameter and answers JSON", async () => {
    standIn.on("lambda", "Invoke", (call) => rawAnswer(200, JSON.stringify({ echoed: call.body }), {}), {
      method: "POST",
      path: "/2015-03-31/functions/{FunctionName}/invocations",
    });
    standIn.on("lambda", "GetFunction", () => ok({ Configuration: { Runtime: "nodejs24.x" } }), {
      method: "GET",
      path: "/2015-03-31/functions/{FunctionName+}",
    });
    const auth =
      "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/me-south-1/lambda/aws4_request, SignedHeaders=host, Signature=0";

    const invoked = await fetch(`${standIn.url}/2015-03-31/functions/fl-url-check/invocations`, {
      method: "POST",
      headers: { authorization: auth, "content-type": "application/json" },
      body: JSON.stringify({ instanceId: "i-1" }),
    });
    const got = await fetch(`${standIn.url}/2015-03-31/functions/arn%3Aaws%3Alambda/x`, {
      headers: { authorization: auth },
    });

    expect(await invoked.json()).toEqual({ echoed: { instanceId: "i-1" } });
    expect(await got.json()).toEqual({ Configuration: { Runtime: "nodejs24.x" } });
    expect(standIn.callsTo("lambda").map((c) => [c.operation, c.region, c.pathParams])).toEqual([
      ["Invoke", "me-south-1", { FunctionName: "fl-url-check" }],
      ["GetFunction", "me-south-1", { FunctionName: "arn:aws:lambda/x" }],
    ]);
  });
});

describe("calls nobody answers", () => {
  const sfn = () => new SFNClient({ region: "eu-west-1", endpoint: standIn.url, maxAttempts: 1 });

  it("fail with an error naming the service and operation, and are listed as unanswered", async () => {
    const call = sfn().send(
      new StartExecutionCommand({ stateMachineArn: "arn:aws:states:eu-west-1:1:stateMachine:m" }),
    );

    await expect(call).rejects.toMatchObject({
      name: "FirstLineStandIn.NoHandler",
      message: "the stand-in has no handler for states StartExecution",
    });
    expect(standIn.unanswered.map((c) => `${c.service} ${c.operation}`)).toEqual(["states StartExecution"]);
  });

  it("reports a handler that throws, answering with its message", async () => {
    standIn.on("states", "StopExecution", () => {
      throw new Error("handler bug");
    });

    const call = sfn().send(
      new StopExecutionCommand({ executionArn: "arn:aws:states:eu-west-1:1:execution:m:e" }),
    );

    await expect(call).rejects.toMatchObject({
      name: "FirstLineStandIn.HandlerFailed",
      message: "handler bug",
    });
    expect(standIn.failures.map((f) => f.call.operation)).toEqual(["StopExecution"]);
  });
});
