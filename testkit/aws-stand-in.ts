/**
 * A loopback stand-in for AWS APIs: one HTTP server on 127.0.0.1 (random port) that any AWS
 * client reaches through `AWS_ENDPOINT_URL[_<SERVICE>]` or an explicit endpoint (the JS SDK v3,
 * Terraform's AWS provider on the Go SDK v2). Each request is identified as AWS routes it:
 * JSON protocols by `X-Amz-Target`, the query protocols (and EC2's dialect) by the form's
 * `Action`, REST by method and path against the routes a test registers; the service is the
 * SigV4 signing name of the `Authorization` credential scope, which also gives the region.
 * Every call is recorded; answers come from per-operation handlers a test registers, rendered
 * in the protocol of the call (JSON, query/EC2 XML, REST JSON or XML), errors included.
 *
 * Built in, so any caller gets past its start-up: STS `GetCallerIdentity` and `AssumeRole`
 * (credentials issued by AssumeRole identify as the assumed role afterwards), IAM `GetUser`
 * (which Terraform's AWS provider asks first for the account id) and Step Functions
 * `ValidateStateMachineDefinition` (asl-validator on the definition received). A test may
 * replace them with `on`.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { type AslValidationRequest, validateStateMachineDefinition } from "./asl-diagnostics";
import { listenOnLoopback } from "./loopback";

/** How a call is encoded on the wire (what its answer must look like). */
export type AwsProtocol = "json" | "query" | "ec2" | "rest-json" | "rest-xml";

/** One request, as the stand-in understood it. */
export interface AwsCall {
  /** SigV4 signing name (`sts`, `states`, `route53`, `ec2`, `monitoring`, `dynamodb`, `secretsmanager`, ...). */
  readonly service: string;
  /** The API operation (`GetCallerIdentity`); `<METHOD> <path>` for a REST call no route matched. */
  readonly operation: string;
  /** From the credential scope; undefined for an unsigned request. */
  readonly region: string | undefined;
  readonly protocol: AwsProtocol;
  readonly method: string;
  readonly path: string;
  /** The URL's query string. */
  readonly query: Readonly<Record<string, string>>;
  /** Values of `{Name}` segments of the matched REST route. */
  readonly pathParams: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** The access key id the request was signed with. */
  readonly accessKeyId: string | undefined;
  /**
   * JSON protocols and REST JSON: the parsed JSON; query and EC2: the form fields, flat
   * (`Tags.member.1.Key`); anything else: the text. Undefined for an empty body.
   */
  readonly body: unknown;
  readonly rawBody: string;
}

/** What a handler answers; rendered in the call's protocol by the stand-in. */
export type AwsAnswer =
  | { readonly kind: "ok"; readonly status: number; readonly result: unknown; readonly listItem?: string }
  | { readonly kind: "error"; readonly status: number; readonly code: string; readonly message: string }
  | {
      readonly kind: "raw";
      readonly status: number;
      readonly body: string;
      readonly headers: Readonly<Record<string, string>>;
    };

export type AwsHandler = (call: AwsCall) => AwsAnswer | Promise<AwsAnswer>;

/**
 * A successful answer. JSON protocols get `result` as JSON; XML protocols get it as elements
 * inside the operation's response wrapper (query: `<OpResponse><OpResult>`; EC2 and REST XML:
 * `<OpResponse>`), lists as repeated `listItem` elements (default `member`, EC2 `item`), dates
 * as ISO-8601; a string result is inserted as XML as it is (for shapes a plain object cannot
 * spell, such as Route 53's named list items).
 */
export function ok(result: unknown = {}, options: { status?: number; listItem?: string } = {}): AwsAnswer {
  return {
    kind: "ok",
    status: options.status ?? 200,
    result,
    ...(options.listItem ? { listItem: options.listItem } : {}),
  };
}

/** An AWS error (`ThrottlingException`, `ValidationError`, ...) in the call's protocol. */
export function awsError(status: number, code: string, message: string): AwsAnswer {
  return { kind: "error", status, code, message };
}

/** Exactly these bytes, for what the helpers cannot express. */
export function rawAnswer(status: number, body: string, headers: Record<string, string> = {}): AwsAnswer {
  return { kind: "raw", status, body, headers };
}

/** A REST operation's route: `{Name}` matches one path segment, `{Name+}` the rest of the path. */
export interface RestRoute {
  readonly method: string;
  readonly path: string;
  /** @default "rest-xml" for route53, s3 and cloudfront, else "rest-json" */
  readonly protocol?: "rest-json" | "rest-xml";
}

export interface AwsStandInOptions {
  /** The account of the long-term credentials (GetCallerIdentity). @default "123456789012" */
  readonly accountId?: string;
  /** Install the STS and Step Functions handlers described above. @default true */
  readonly builtins?: boolean;
}

/** Signing names of `X-Amz-Target` prefixes, for the rare unsigned JSON call. */
const TARGET_SERVICES: Readonly<Record<string, string>> = {
  AWSStepFunctions: "states",
  secretsmanager: "secretsmanager",
  DynamoDB_20120810: "dynamodb",
  GraniteServiceVersion20100801: "monitoring",
  AWSEvents: "events",
  Logs_20140328: "logs",
  AmazonSQS: "sqs",
  TrentService: "kms",
};
const REST_XML_SERVICES = new Set(["route53", "s3", "cloudfront"]);
const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;
const ARN_ROLE = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;

interface Route extends RestRoute {
  readonly service: string;
  readonly operation: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

interface Identity {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
  /** Set for long-term (user) credentials; IAM GetUser refuses role sessions without a name. */
  readonly userName?: string;
}

function routePattern(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split(/(\{[A-Za-z0-9_]+\+?\})/)
    .map((part) => {
      const match = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
      if (!match) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(match[1] as string);
      return match[2] ? "(.+)" : "([^/]+)";
    })
    .join("");
  return { pattern: new RegExp(`^${source}$`), names };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Elements for a value: objects by key, lists as repeated `listItem`, scalars as text. */
function toXml(value: unknown, listItem = "member"): string {
  if (value === undefined || value === null) return "";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value))
    return value.map((v) => `<${listItem}>${toXml(v, listItem)}</${listItem}>`).join("");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([key, v]) => `<${key}>${toXml(v, listItem)}</${key}>`)
      .join("");
  }
  return escapeXml(String(value));
}

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A running stand-in. Start it with {@link AwsStandIn.start}; close it when done. */
export class AwsStandIn {
  /** Every request, in arrival order. */
  readonly calls: AwsCall[] = [];
  /** Calls no handler was registered for (answered with a `FirstLineStandIn.NoHandler` error). */
  readonly unanswered: AwsCall[] = [];
  /** Handlers that threw, with the call (answered with a `FirstLineStandIn.HandlerFailed` error). */
  readonly failures: { readonly call: AwsCall; readonly error: unknown }[] = [];

  private readonly handlers = new Map<string, AwsHandler>();
  private readonly faults = new Map<
    string,
    { answer: AwsAnswer; remaining: number; when: ((call: AwsCall) => boolean) | undefined }
  >();
  private readonly routes: Route[] = [];
  private readonly identities = new Map<string, Identity>();
  private issued = 0;

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    /** `http://127.0.0.1:<port>` */
    readonly url: string,
    readonly accountId: string,
  ) {}

  /** Starts a stand-in on 127.0.0.1 on a free port. */
  static async start(options: AwsStandInOptions = {}): Promise<AwsStandIn> {
    let standIn: AwsStandIn | undefined;
    const server = createServer((request, response) => {
      standIn?.serve(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
    const port = await listenOnLoopback(server);
    standIn = new AwsStandIn(server, `http://127.0.0.1:${port}`, options.accountId ?? "123456789012");
    if (options.builtins !== false) standIn.installBuiltins();
    return standIn;
  }

  /**
   * Answers `service` `operation` with `handler` (replacing any earlier one). REST operations
   * also need their `route`, which is how a request is recognised as this operation.
   */
  on(service: string, operation: string, handler: AwsHandler, route?: RestRoute): this {
    this.handlers.set(`${service} ${operation}`, handler);
    if (route) {
      const { pattern, names } = routePattern(route.path);
      this.routes.push({ ...route, method: route.method.toUpperCase(), service, operation, pattern, names });
    }
    return this;
  }

  /**
   * Answers the next `times` calls of `service` `operation` (those `when` accepts, e.g. one
   * region's) with `answer` (an AWS error, say) instead of their handler, then goes back to it;
   * `Infinity` until {@link clearFaults}.
   */
  fail(
    service: string,
    operation: string,
    answer: AwsAnswer,
    times = 1,
    when?: (call: AwsCall) => boolean,
  ): this {
    this.faults.set(`${service} ${operation}`, { answer, remaining: times, when });
    return this;
  }

  /** Forgets every fault set with {@link fail}. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** The account a request's access key belongs to: an assumed role's, else the stand-in's own. */
  accountOf(accessKeyId: string | undefined): string {
    return this.identityOf(accessKeyId).account;
  }

  /** The recorded calls to `service` (and `operation`). */
  callsTo(service: string, operation?: string): AwsCall[] {
    return this.calls.filter(
      (c) => c.service === service && (operation === undefined || c.operation === operation),
    );
  }

  /**
   * Who made `call`: the account and ARN its access key identifies as (an assumed role's
   * account for credentials AssumeRole issued, else the stand-in's own account), as the built-in
   * GetCallerIdentity answers it.
   */
  callerOf(call: Pick<AwsCall, "accessKeyId">): { readonly account: string; readonly arn: string } {
    const { account, arn } = this.identityOf(call.accessKeyId);
    return { account, arn };
  }

  /** Forgets the recorded calls (handlers stay). */
  clearCalls(): void {
    this.calls.length = 0;
    this.unanswered.length = 0;
    this.failures.length = 0;
  }

  /**
   * Environment that points AWS clients here: `AWS_ENDPOINT_URL` (every service) without
   * arguments, else `AWS_ENDPOINT_URL_<ID>` for each service id given (`STS`, `SFN`,
   * `ROUTE_53`, `SECRETS_MANAGER`, ...), as both the JS and the Go SDK read them.
   */
  endpointEnv(...serviceIds: string[]): Record<string, string> {
    if (serviceIds.length === 0) return { AWS_ENDPOINT_URL: this.url };
    return Object.fromEntries(
      serviceIds.map((id) => [`AWS_ENDPOINT_URL_${id.toUpperCase().replace(/[\s-]+/g, "_")}`, this.url]),
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const call = this.identify(request, rawBody);
    this.calls.push(call);
    const handler = this.handlers.get(`${call.service} ${call.operation}`);
    const fault = this.faults.get(`${call.service} ${call.operation}`);
    let answer: AwsAnswer;
    if (fault && fault.remaining > 0 && (fault.when === undefined || fault.when(call))) {
      fault.remaining -= 1;
      answer = fault.answer;
    } else if (!handler) {
      this.unanswered.push(call);
      answer = awsError(
        400,
        "FirstLineStandIn.NoHandler",
        `the stand-in has no handler for ${call.service} ${call.operation}`,
      );
    } else {
      try {
        answer = await handler(call);
      } catch (error) {
        this.failures.push({ call, error });
        answer = awsError(
          400,
          "FirstLineStandIn.HandlerFailed",
          error instanceof Error ? error.message : String(error),
        );
      }
    }
    const { status, headers, body } = this.render(call, answer);
    response.writeHead(status, { "x-amzn-requestid": randomUUID(), ...headers });
    response.end(body);
  }

  private identify(request: IncomingMessage, rawBody: string): AwsCall {
    const url = new URL(request.url ?? "/", this.url);
    const headers = request.headers;
    const method = (request.method ?? "GET").toUpperCase();
    const scope = CREDENTIAL_SCOPE.exec(headerOf(headers, "authorization") ?? "");
    const accessKeyId = scope?.[1];
    const region = scope?.[2];
    const signingName = scope?.[3];
    const base = {
      region,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      accessKeyId,
      rawBody,
    };

    const target = headerOf(headers, "x-amz-target");
    if (target) {
      const dot = target.lastIndexOf(".");
      const prefix = target.slice(0, dot);
      return {
        ...base,
        service: signingName ?? TARGET_SERVICES[prefix] ?? prefix,
        operation: target.slice(dot + 1),
        protocol: "json",
        pathParams: {},
        body: parseJson(rawBody),
      };
    }

    const contentType = headerOf(headers, "content-type") ?? "";
    if (method === "POST" && contentType.includes("application/x-www-form-urlencoded")) {
      const form = Object.fromEntries(new URLSearchParams(rawBody));
      if (form.Action) {
        const service = signingName ?? "unknown";
        return {
          ...base,
          service,
          operation: form.Action,
          protocol: service === "ec2" ? "ec2" : "query",
          pathParams: {},
          body: form,
        };
      }
    }

    const service = signingName ?? "unknown";
    for (const route of this.routes) {
      if (route.service !== service || route.method !== method) continue;
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const pathParams = Object.fromEntries(
        route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]),
      );
      const protocol = route.protocol ?? (REST_XML_SERVICES.has(service) ? "rest-xml" : "rest-json");
      return {
        ...base,
        service,
        operation: route.operation,
        protocol,
        pathParams,
        body: protocol === "rest-json" ? parseJson(rawBody) : rawBody === "" ? undefined : rawBody,
      };
    }
    const protocol = REST_XML_SERVICES.has(service) ? "rest-xml" : "rest-json";
    return {
      ...base,
      service,
      operation: `${method} ${url.pathname}`,
      protocol,
      pathParams: {},
      body: parseJson(rawBody),
    };
  }

  private render(
    call: AwsCall,
    answer: AwsAnswer,
  ): { status: number; headers: Record<string, string>; body: string } {
    if (answer.kind === "raw")
      return { status: answer.status, headers: { ...answer.headers }, body: answer.body };
    const requestId = randomUUID();
    const op = call.operation;
    const xmlns = `https://${call.service}.amazonaws.com/doc/`;
    const xml = { "content-type": "text/xml" };

    if (answer.kind === "error") {
      const { status, code, message } = answer;
      const type = status >= 500 ? "Receiver" : "Sender";
      switch (call.protocol) {
        case "json":
        case "rest-json":
          return {
            status,
            headers: {
              "content-type": headerOf(call.headers, "content-type") ?? "application/json",
              "x-amzn-errortype": code,
              // Query-compatible JSON services (CloudWatch, SQS) read the code from here.
              "x-amzn-query-error": `${code};${type}`,
            },
            body: JSON.stringify({ __type: code, message }),
          };
        case "ec2":
          return {
            status,
            headers: xml,
            body: `<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
          };
        default:
          return {
            status,
            headers: xml,
            body: `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
          };
      }
    }

    const { status, result } = answer;
    const listItem = answer.listItem ?? (call.protocol === "ec2" ? "item" : "member");
    const inner = typeof result === "string" ? result : toXml(result, listItem);
    switch (call.protocol) {
      case "json":
        return {
          status,
          headers: { "content-type": headerOf(call.headers, "content-type") ?? "application/x-amz-json-1.1" },
          body: JSON.stringify(result ?? {}),
        };
      case "rest-json":
        return {
          status,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(result ?? {}),
        };
      case "query":
        return {
          status,
          headers: xml,
          body: `<${op}Response xmlns="${xmlns}"><${op}Result>${inner}</${op}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op}Response>`,
        };
      case "ec2":
        return {
          status,
          headers: xml,
          body: `<${op}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId}</requestId>${inner}</${op}Response>`,
        };
      case "rest-xml":
        return {
          status,
          headers: xml,
          body: `<?xml version="1.0" encoding="UTF-8"?>\n<${op}Response xmlns="${xmlns}">${inner}</${op}Response>`,
        };
    }
  }

  private identityOf(accessKeyId: string | undefined): Identity {
    return (
      (accessKeyId && this.identities.get(accessKeyId)) || {
        account: this.accountId,
        arn: `arn:aws:iam::${this.accountId}:user/first-line-test`,
        userId: "AIDAFIRSTLINETEST0001",
        userName: "first-line-test",
      }
    );
  }

  private installBuiltins(): void {
    this.on("sts", "GetCallerIdentity", (call) => {
      const identity = this.identityOf(call.accessKeyId);
      return ok({ UserId: identity.userId, Account: identity.account, Arn: identity.arn });
    });

    this.on("iam", "GetUser", (call) => {
      const identity = this.identityOf(call.accessKeyId);
      if (identity.userName === undefined) {
        return awsError(
          400,
          "ValidationError",
          "Must specify userName when calling with non-User credentials",
        );
      }
      return ok({
        User: {
          Path: "/",
          UserName: identity.userName,
          UserId: identity.userId,
          Arn: identity.arn,
          CreateDate: new Date("2026-01-01T00:00:00Z"),
        },
      });
    });

    this.on("sts", "AssumeRole", (call) => {
      const form = call.body as Record<string, string | undefined>;
      const roleArn = form.RoleArn ?? "";
      const session = form.RoleSessionName ?? "";
      const role = ARN_ROLE.exec(roleArn);
      if (!role)
        return awsError(400, "ValidationError", `RoleArn ${JSON.stringify(roleArn)} is not a role ARN`);
      if (!/^[\w+=,.@-]{2,64}$/.test(session)) {
        return awsError(400, "ValidationError", `RoleSessionName ${JSON.stringify(session)} is not valid`);
      }
      this.issued++;
      const accessKeyId = `ASIAFIRSTLINE${String(this.issued).padStart(7, "0")}`;
      const roleId = `AROAFIRSTLINE${String(this.issued).padStart(7, "0")}`;
      const identity: Identity = {
        account: role[1] as string,
        arn: `arn:aws:sts::${role[1]}:assumed-role/${role[2]}/${session}`,
        userId: `${roleId}:${session}`,
      };
      this.identities.set(accessKeyId, identity);
      return ok({
        Credentials: {
          AccessKeyId: accessKeyId,
          SecretAccessKey: `first-line-stand-in-secret-${this.issued}`,
          SessionToken: `first-line-stand-in-session-${this.issued}`,
          // An hour ahead, so no client refreshes the credentials mid-test.
          Expiration: new Date(Date.now() + 3600_000),
        },
        AssumedRoleUser: { AssumedRoleId: identity.userId, Arn: identity.arn },
      });
    });

    this.on("states", "ValidateStateMachineDefinition", (call) => {
      const request = call.body as Partial<AslValidationRequest> | undefined;
      if (typeof request?.definition !== "string") {
        return awsError(400, "ValidationException", "definition: a string is required");
      }
      return ok(validateStateMachineDefinition({ ...request, definition: request.definition }));
    });
  }
}
