import { ConfigError, parseConfig } from "../../stacks/config";
import {
  configErrorOf,
  configWith,
  exampleConfig,
  minimalConfig,
  problemsOf,
} from "../fixtures/config/helpers";

const EU0 = "regions.eu-west-1.instances.0";
const EU0_PATH = "regions.eu-west-1.instances[0]";
const FINGERPRINT = "SHA256:UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw";

/** Problems of the example config after `changes`. */
function problemsWith(changes: Readonly<Record<string, unknown>>): readonly string[] {
  return problemsOf(configWith(changes));
}

describe("the error", () => {
  it("is a ConfigError whose message is a header and one problem per line", () => {
    const error = configErrorOf(configWith({ stackName: "First", [`${EU0}.instanceId`]: "i-123" }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe("ConfigError");
    expect(error.message.split("\n")).toEqual([
      "Invalid first-line configuration (configuration): 2 problems; fix them and run again:",
      '  - stackName: "First" is not a stack name (1-20 characters: lower-case letters, digits, dashes)',
      `  - ${EU0_PATH}.instanceId: "i-123" is not an EC2 instance id (i- followed by 8 or 17 hex digits)`,
    ]);
  });

  it("names where the configuration came from", () => {
    expect(() => parseConfig(null, "FIRST_LINE_CONFIG=prod.json")).toThrow(
      "Invalid first-line configuration (FIRST_LINE_CONFIG=prod.json): 1 problem; fix it and run again:\n  - (configuration root): expected an object, got null",
    );
  });

  it("lists every problem at once, schema and cross-field alike", () => {
    const problems = problemsWith({
      "defaults.alarm.treshold": 95,
      "regions.eu-west-1.instances.1.instanceId": "i-0123456789abcdef0",
      "regions.us-east-1.instances.0.url": "ftp://us.example.com",
      "regions.ap-southeast-2.instances.0.route53HealthCheckId": undefined,
      "regions.eu-wets-1": {
        instances: [{ instanceId: "i-0cccccccccccccccc", url: "https://x.example.com" }],
      },
      "defaults.logs.retentionDays": 10,
    });
    expect(problems).toEqual([
      'defaults.alarm.treshold: unknown key (did you mean "threshold"?)',
      "defaults.logs.retentionDays: 10 is not a CloudWatch Logs retention (one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
      'regions.us-east-1.instances[0].url: "ftp://us.example.com" is not an absolute http:// or https:// URL without a user or password (credentials in a URL would land in Terraform state)',
      'regions.eu-west-1.instances[1].instanceId: duplicate instance "i-0123456789abcdef0", already configured at regions.eu-west-1.instances[0].instanceId; an instance may appear once (remove one of them)',
      'regions.ap-southeast-2.instances[0]: has no check: give it a "url", a "route53HealthCheckId", an "ssh" block with "hostKeySha256" or a "tcp" block with "port"',
      'regions.eu-wets-1: unknown AWS region "eu-wets-1" (did you mean "eu-west-1"?); region keys are AWS commercial region names such as "eu-west-1"',
    ]);
  });

  it("is never a raw zod error, even for a document of the wrong type", () => {
    for (const raw of [undefined, 42, "config", [], { regions: [] }]) {
      expect(configErrorOf(raw)).toBeInstanceOf(ConfigError);
    }
  });
});

describe("unknown keys", () => {
  it.each([
    ["defaults.alarm.treshold", 95, 'defaults.alarm.treshold: unknown key (did you mean "threshold"?)'],
    ["stackname", "x", 'stackname: unknown key (did you mean "stackName"?)'],
    ["defaults.notification", {}, 'defaults.notification: unknown key (did you mean "notifications"?)'],
    [`${EU0}.instanceid`, "x", `${EU0_PATH}.instanceid: unknown key (did you mean "instanceId"?)`],
    [
      `${EU0}.url`,
      { adress: "https://x.example.com" },
      `${EU0_PATH}.url.adress: unknown key (did you mean "address"?)`,
    ],
    ["backend.bukcet", "b", 'backend.bukcet: unknown key (did you mean "bucket"?)'],
  ])("rejects %s with a did-you-mean suggestion", (path, value, problem) => {
    expect(problemsWith({ [path]: value })).toContain(problem);
  });

  it("lists the allowed keys when nothing is close", () => {
    expect(problemsWith({ "defaults.restart.colour": "blue" })).toEqual([
      "defaults.restart.colour: unknown key; allowed here: method, settleSeconds, pollSeconds, maxWaitSeconds, cooldownMinutes",
    ]);
  });

  it.each([
    [
      "defaults.ssh.host",
      "203.0.113.1",
      "defaults.ssh.host: only allowed in an instance's ssh block (the host differs per instance)",
    ],
    [
      "regions.eu-west-1.ssh.hostKeySha256",
      FINGERPRINT,
      "regions.eu-west-1.ssh.hostKeySha256: only allowed in an instance's ssh block (each host has its own keys)",
    ],
    ["defaults.vpc", {}, "defaults.vpc: only allowed in a region (regions.<region>.vpc)"],
    [`${EU0}.vpc`, {}, `${EU0_PATH}.vpc: only allowed in a region (regions.<region>.vpc)`],
    [
      "defaults.url.address",
      "https://x.example.com",
      'defaults.url.address: only allowed in an instance\'s "url" (the address differs per instance)',
    ],
    [
      "defaults.route53HealthCheckId",
      "abcdef01-2345-6789-abcd-ef0123456789",
      "defaults.route53HealthCheckId: only allowed in an instance (regions.<region>.instances[])",
    ],
  ])("says where %s belongs instead", (path, value, problem) => {
    expect(problemsWith({ [path]: value })).toEqual([problem]);
  });
});

describe("regions", () => {
  it.each([
    ["eu-west-l", "eu-west-1"],
    ["us-east1", "us-east-1"],
    ["EU-CENTRAL-1", "eu-central-1"],
  ])("rejects %s and suggests %s", (name, suggestion) => {
    const config = configWith({
      [`regions.${name}`]: {
        instances: [{ instanceId: "i-0dddddddddddddddd", url: "https://x.example.com" }],
      },
    });
    expect(problemsOf(config)).toEqual([
      `regions.${name}: unknown AWS region "${name}" (did you mean "${suggestion}"?); region keys are AWS commercial region names such as "eu-west-1"`,
    ]);
  });

  it("rejects a region that is not close to any without a suggestion", () => {
    const config = configWith({
      "regions.mars-north-9": {
        instances: [{ instanceId: "i-0dddddddddddddddd", url: "https://x.example.com" }],
      },
    });
    expect(problemsOf(config)).toEqual([
      'regions.mars-north-9: unknown AWS region "mars-north-9"; region keys are AWS commercial region names such as "eu-west-1"',
    ]);
  });

  it("accepts the newest commercial regions", () => {
    const instances = (id: string) => [{ instanceId: id, url: "https://x.example.com" }];
    const config = configWith(
      {
        "regions.ap-southeast-7": { instances: instances("i-0eeeeeeeeeeeeeee1") },
        "regions.mx-central-1": { instances: instances("i-0eeeeeeeeeeeeeee2") },
        "regions.ap-east-2": { instances: instances("i-0eeeeeeeeeeeeeee3") },
      },
      minimalConfig(),
    );
    expect(parseConfig(config).regions.map((r) => r.name)).toEqual([
      "ap-east-2",
      "ap-southeast-7",
      "eu-west-1",
      "mx-central-1",
    ]);
  });

  it("requires at least one region and at least one instance per region", () => {
    expect(problemsOf(configWith({ regions: {} }))).toEqual([
      'regions: list at least one region, e.g. { "eu-west-1": { "instances": [...] } }',
    ]);
    expect(problemsWith({ "regions.us-east-1.instances": [] })).toEqual([
      "regions.us-east-1.instances: a region needs at least one instance (remove the region or add an instance)",
    ]);
  });
});

describe("identifiers and addresses", () => {
  it.each([
    [
      "stackName",
      "a-very-long-stack-name",
      'stackName: "a-very-long-stack-name" is not a stack name (1-20 characters: lower-case letters, digits, dashes)',
    ],
    [
      "stackName",
      "first_line",
      'stackName: "first_line" is not a stack name (1-20 characters: lower-case letters, digits, dashes)',
    ],
    [
      `${EU0}.instanceId`,
      "i-0123456789ABCDEF0",
      `${EU0_PATH}.instanceId: "i-0123456789ABCDEF0" is not an EC2 instance id (i- followed by 8 or 17 hex digits)`,
    ],
    [
      `${EU0}.instanceId`,
      "i-0123456789",
      `${EU0_PATH}.instanceId: "i-0123456789" is not an EC2 instance id (i- followed by 8 or 17 hex digits)`,
    ],
    [
      `${EU0}.route53HealthCheckId`,
      "ABCDEF01-2345-6789-ABCD-EF0123456789",
      `${EU0_PATH}.route53HealthCheckId: "ABCDEF01-2345-6789-ABCD-EF0123456789" is not a Route 53 health check id (a lower-case UUID like abcdef01-2345-6789-abcd-ef0123456789)`,
    ],
    [
      `${EU0}.ssh.hostKeySha256`,
      "SHA256:tooShort",
      `${EU0_PATH}.ssh.hostKeySha256: "SHA256:tooShort" is not an OpenSSH SHA-256 host key fingerprint ("SHA256:" + 43 base64 characters, as \`ssh-keygen -lf\` prints it)`,
    ],
    [
      `${EU0}.ssh.hostKeySha256`,
      [FINGERPRINT, "MD5:aa:bb"],
      `${EU0_PATH}.ssh.hostKeySha256[1]: "MD5:aa:bb" is not an OpenSSH SHA-256 host key fingerprint ("SHA256:" + 43 base64 characters, as \`ssh-keygen -lf\` prints it)`,
    ],
    [
      `${EU0}.ssh.hostKeySha256`,
      [],
      `${EU0_PATH}.ssh.hostKeySha256: expected an OpenSSH SHA-256 host key fingerprint or a list of them (ssh-keyscan <host> | ssh-keygen -lf -), got an empty list`,
    ],
    [`${EU0}.ssh.host`, "not a host", `${EU0_PATH}.ssh.host: "not a host" is not a host name or IP address`],
    [
      `${EU0}.url`,
      "eu.example.com/health",
      `${EU0_PATH}.url: "eu.example.com/health" is not an absolute http:// or https:// URL without a user or password (credentials in a URL would land in Terraform state)`,
    ],
    [
      `${EU0}.url`,
      { address: "file:///etc/passwd" },
      `${EU0_PATH}.url.address: "file:///etc/passwd" is not an absolute http:// or https:// URL without a user or password (credentials in a URL would land in Terraform state)`,
    ],
    [`${EU0}.url`, 443, `${EU0_PATH}.url: expected the URL as a string or an object with "address", got 443`],
    [
      `${EU0}.url`,
      { timeoutSeconds: 5 },
      `${EU0_PATH}.url.address: required (an absolute http:// or https:// URL without a user or password (credentials in a URL would land in Terraform state))`,
    ],
    [
      "regions.eu-west-1.operatorTopicArn",
      "arn:aws:sqs:eu-west-1:123456789012:queue",
      'regions.eu-west-1.operatorTopicArn: "arn:aws:sqs:eu-west-1:123456789012:queue" is not an SNS topic ARN (arn:aws:sns:<region>:<12-digit account>:<topic name>)',
    ],
    [
      "regions.eu-west-1.operatorTopicArn",
      "arn:aws:sns:eu-west-1:1234:topic",
      'regions.eu-west-1.operatorTopicArn: "arn:aws:sns:eu-west-1:1234:topic" is not an SNS topic ARN (arn:aws:sns:<region>:<12-digit account>:<topic name>)',
    ],
    [
      "operator.subscriptions",
      [{ protocol: "sms", endpoint: "+15550100" }],
      'operator.subscriptions[0].protocol: expected "protocol" to be "email" or "https", got "sms"',
    ],
    [
      "operator.subscriptions",
      [{ protocol: "email", endpoint: "oncall at example.com" }],
      'operator.subscriptions[0].endpoint: "oncall at example.com" is not an e-mail address',
    ],
    [
      "operator.subscriptions",
      [{ protocol: "https", endpoint: "http://pager.example.com/sns" }],
      'operator.subscriptions[0].endpoint: "http://pager.example.com/sns" is not an https:// URL (e.g. a pager\'s SNS integration URL)',
    ],
    [
      "defaults.notifications.slackWebhookSecret",
      "slack webhook",
      'defaults.notifications.slackWebhookSecret: "slack webhook" is not a Secrets Manager secret name, or a complete secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters AWS appended>; copy it from the console or `aws secretsmanager describe-secret`)',
    ],
    [
      "defaults.notifications.opsgenieApiKeySecret",
      "arn:aws:ssm:eu-west-1:123456789012:parameter/key",
      'defaults.notifications.opsgenieApiKeySecret: "arn:aws:ssm:eu-west-1:123456789012:parameter/key" is not a Secrets Manager secret name, or a complete secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters AWS appended>; copy it from the console or `aws secretsmanager describe-secret`)',
    ],
    [
      // A partial ARN (without the 6 characters AWS appends) matches no secret in IAM or the API.
      "defaults.ssh.privateKeySecret",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:first-line/ssh-key",
      'defaults.ssh.privateKeySecret: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:first-line/ssh-key" is not a Secrets Manager secret name, or a complete secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters AWS appended>; copy it from the console or `aws secretsmanager describe-secret`)',
    ],
    [
      "regions.eu-west-1.vpc.subnetIds",
      ["subnet-xyz"],
      'regions.eu-west-1.vpc.subnetIds[0]: "subnet-xyz" is not a subnet id (subnet- followed by 8 or 17 hex digits)',
    ],
    [
      "regions.eu-west-1.vpc.securityGroupIds",
      ["sg-0123"],
      'regions.eu-west-1.vpc.securityGroupIds[0]: "sg-0123" is not a security group id (sg- followed by 8 or 17 hex digits)',
    ],
    [
      "regions.eu-west-1.vpc.securityGroupIds",
      undefined,
      "regions.eu-west-1.vpc.securityGroupIds: required (a list)",
    ],
    ["backend", { type: "gcs" }, 'backend.type: expected "type" to be "s3" or "cloud", got "gcs"'],
    [
      "backend.region",
      "eu-centrl-1",
      'backend.region: "eu-centrl-1" is not an AWS commercial region (did you mean "eu-central-1"?)',
    ],
    [
      "backend.bucket",
      "Acme_State",
      'backend.bucket: "Acme_State" is not an S3 bucket name (3-63 lower-case letters, digits, dots and dashes)',
    ],
    ["backend", { type: "cloud", organization: "acme" }, "backend.workspace: required (a string)"],
  ])("rejects %s = %j", (path, value, problem) => {
    expect(problemsWith({ [path]: value })).toEqual([problem]);
  });

  it.each([
    ["stackName", "fl-prod-2024-eu-ops1"],
    [`${EU0}.instanceId`, "i-0abc1234"],
    [`${EU0}.ssh.host`, "2001:db8::10"],
    [`${EU0}.ssh.host`, "bastion.internal.example.com"],
    [`${EU0}.url`, "http://203.0.113.10:8080/health?deep=1"],
    [
      "defaults.notifications.opsgenieApiKeySecret",
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:ops/genie-Ab12Cd",
    ],
    ["defaults.notifications.slackWebhookSecret", "team+ops/slack=hook@v1.2_x"],
    ["regions.us-east-1.operatorTopicArn", "arn:aws:sns:us-east-1:123456789012:ops-alerts"],
    ["operator.subscriptions", []],
    [
      "operator.subscriptions",
      [
        { protocol: "email", endpoint: "oncall+first-line@example.co.uk" },
        { protocol: "https", endpoint: "https://events.pagerduty.com/integration/0123abcd/enqueue" },
      ],
    ],
    ["backend", { type: "cloud", organization: "acme", workspace: "first-line" }],
  ])("accepts %s = %j", (path, value) => {
    expect(() => parseConfig(configWith({ [path]: value }))).not.toThrow();
  });
});

/** A value the schema rejects at a dotted path, and the message it gives (after the path). */
type Rejection = readonly [path: string, value: unknown, message: string];

/** A whole-number field's value just below its least value. */
function belowMin(path: string, min: number): Rejection {
  return [path, min - 1, `must be at least ${min}, got ${min - 1}`];
}

/** A whole-number field's value just above its greatest value. */
function aboveMax(path: string, max: number): Rejection {
  return [path, max + 1, `must be at most ${max}, got ${max + 1}`];
}

const STATISTICS = '"Average", "Maximum", "Minimum", "Sum", "SampleCount"';

/** An expectStatus value that is no status list. */
function notStatusList(status: string): Rejection {
  return [
    "defaults.url.expectStatus",
    status,
    `${JSON.stringify(status)} is not a status list (codes 100-599 and ranges, e.g. "200-399" or "200,204,300-302")`,
  ];
}

describe("numbers and choices", () => {
  it.each<Rejection>([
    ["defaults.alarm.threshold", 100.5, "100.5 is not a CPU percentage from 0 to 100"],
    ["defaults.alarm.threshold", -1, "-1 is not a CPU percentage from 0 to 100"],
    [
      "defaults.alarm.periodSeconds",
      45,
      "45 is not a CloudWatch alarm period (10, 30 or a multiple of 60 up to 86400)",
    ],
    ["defaults.alarm.periodSeconds", "300", 'expected a whole number, got "300"'],
    belowMin("defaults.alarm.evaluationPeriods", 1),
    aboveMax("defaults.alarm.evaluationPeriods", 100),
    ["defaults.alarm.statistic", "avg", `expected one of ${STATISTICS}, got "avg"`],
    [
      "defaults.alarm.statistic",
      "Maximun",
      `expected one of ${STATISTICS}, got "Maximun" (did you mean "Maximum"?)`,
    ],
    [
      "defaults.alarm.treatMissingData",
      "NotBreaching",
      'expected one of "missing", "ignore", "breaching", "notBreaching", got "NotBreaching" (did you mean "notBreaching"?)',
    ],
    ["defaults.restart.method", "restart", 'expected one of "reboot", "stop-start", got "restart"'],
    aboveMax("defaults.restart.settleSeconds", 3600),
    belowMin("defaults.restart.pollSeconds", 5),
    ["defaults.restart.pollSeconds", 15.5, "expected a whole number, got 15.5"],
    belowMin("defaults.restart.maxWaitSeconds", 30),
    aboveMax("defaults.restart.cooldownMinutes", 1440),
    aboveMax("defaults.url.timeoutSeconds", 60),
    notStatusList("200-"),
    notStatusList("600"),
    notStatusList("399-200"),
    ["defaults.route53.minHealthyShare", 0, "0 is not a share of checkers (more than 0, at most 1)"],
    ["defaults.route53.minHealthyShare", 1.5, "1.5 is not a share of checkers (more than 0, at most 1)"],
    aboveMax("defaults.ssh.port", 65535),
    belowMin("defaults.ssh.port", 1),
    ["defaults.ssh.user", "", "must not be empty"],
    ["defaults.ssh.mode", "password", 'expected one of "handshake", "command", got "password"'],
    belowMin("defaults.ssh.timeoutSeconds", 1),
    ["defaults.ssh.command", "", "must not be empty"],
    [
      "defaults.logs.retentionDays",
      31,
      "31 is not a CloudWatch Logs retention (one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
    ],
    [
      "defaults.notifications.opsgeniePriority",
      "P6",
      'expected one of "P1", "P2", "P3", "P4", "P5", got "P6"',
    ],
    [
      "defaults.notifications.opsgenieApiUrl",
      "http://api.opsgenie.com",
      '"http://api.opsgenie.com" is not an https:// base URL without query or credentials (http:// only to 127.0.0.1, for tests)',
    ],
  ])("rejects %s = %j", (path, value, message) => {
    expect(problemsWith({ [path]: value })).toEqual([`${path}: ${message}`]);
  });

  it.each([
    ["defaults.alarm.threshold", 0],
    ["defaults.alarm.threshold", 100],
    ["defaults.alarm.threshold", 97.5],
    ["defaults.alarm.periodSeconds", 10],
    ["defaults.alarm.periodSeconds", 30],
    ["defaults.alarm.periodSeconds", 3600],
    ["defaults.alarm.treatMissingData", "breaching"],
    ["defaults.restart.method", "stop-start"],
    ["defaults.restart.settleSeconds", 0],
    ["defaults.restart.cooldownMinutes", 0],
    ["defaults.url.expectStatus", "200,204,300-302"],
    ["defaults.url.expectStatus", "100-599"],
    ["defaults.route53.minHealthyShare", 1],
    ["defaults.ssh.port", 65535],
    ["defaults.logs.retentionDays", 3653],
    ["defaults.notifications.opsgeniePriority", "P5"],
    ["defaults.notifications.opsgenieApiUrl", "https://alerts.example.net/opsgenie-compatible"],
  ])("accepts %s = %j", (path, value) => {
    expect(() => parseConfig(configWith({ [path]: value }))).not.toThrow();
  });
});

describe("cross-field rules", () => {
  it("names both places of an instance listed in two regions, in file order", () => {
    expect(problemsWith({ "regions.ap-southeast-2.instances.0.instanceId": "i-1234abcd" })).toEqual([
      'regions.ap-southeast-2.instances[0].instanceId: duplicate instance "i-1234abcd", already configured at regions.us-east-1.instances[1].instanceId; an instance may appear once (remove one of them)',
    ]);
  });

  it("requires a check on every instance", () => {
    expect(
      problemsWith({
        [`${EU0}.url`]: undefined,
        [`${EU0}.route53HealthCheckId`]: undefined,
        [`${EU0}.ssh`]: undefined,
      }),
    ).toEqual([
      `${EU0_PATH}: has no check: give it a "url", a "route53HealthCheckId", an "ssh" block with "hostKeySha256" or a "tcp" block with "port"`,
    ]);
  });

  it("requires the host key in an instance's ssh block", () => {
    expect(problemsWith({ [`${EU0}.ssh`]: { host: "203.0.113.10" } })).toEqual([
      `${EU0_PATH}.ssh.hostKeySha256: required (an OpenSSH SHA-256 host key fingerprint or a list of them (ssh-keyscan <host> | ssh-keygen -lf -))`,
    ]);
  });

  it("requires a private key secret for command mode and says where the mode was set", () => {
    const problems = problemsOf(
      configWith(
        { "defaults.ssh.mode": "command", [`${EU0}.ssh`]: { hostKeySha256: FINGERPRINT } },
        minimalConfig(),
      ),
    );
    expect(problems).toEqual([
      `${EU0_PATH}.ssh.privateKeySecret: required because ssh mode is "command" (set at defaults.ssh.mode): name the Secrets Manager secret holding the private key, or use mode "handshake"`,
    ]);
  });

  it("does not require a private key for instances without an SSH check", () => {
    expect(() => parseConfig(configWith({ "defaults.ssh.mode": "command" }, minimalConfig()))).not.toThrow();
  });

  it("reports a notification secret missing everywhere once, at defaults", () => {
    const config = configWith({ "defaults.notifications.slackWebhookSecret": undefined }, minimalConfig());
    config.regions = {
      ...(config.regions as object),
      "us-east-1": { instances: [{ instanceId: "i-0ffffffffffffffff", url: "https://us.example.com" }] },
    };
    expect(problemsOf(config)).toEqual([
      `defaults.notifications.chat: required: a chat block: "type" (slack or teams) and "webhookSecret" (the Secrets Manager secret holding the webhook URL) (in defaults.notifications, a region's or an instance's notifications block)`,
    ]);
  });

  it("reports a secret missing in every instance of two regions once per region", () => {
    expect(problemsWith({ "defaults.notifications.slackWebhookSecret": undefined })).toEqual([
      `regions.eu-west-1.notifications.chat: required: a chat block: "type" (slack or teams) and "webhookSecret" (the Secrets Manager secret holding the webhook URL) (in defaults.notifications, a region's or an instance's notifications block)`,
      `regions.us-east-1.notifications.chat: required: a chat block: "type" (slack or teams) and "webhookSecret" (the Secrets Manager secret holding the webhook URL) (in defaults.notifications, a region's or an instance's notifications block)`,
    ]);
  });

  it("reports a notification secret missing in one region at that region", () => {
    const problems = problemsWith({
      "defaults.notifications.opsgenieApiKeySecret": undefined,
      "regions.eu-west-1.notifications.opsgenieApiKeySecret": "eu/opsgenie",
      "regions.ap-southeast-2.notifications.opsgenieApiKeySecret": "apac/opsgenie",
    });
    expect(problems).toEqual([
      `regions.us-east-1.notifications.escalation: required: an escalation block: "type" (opsgenie, jsm or pagerduty) and "secret" (the Secrets Manager secret holding the API or routing key) (in defaults.notifications, a region's or an instance's notifications block)`,
    ]);
  });

  it("reports a notification secret missing for some instances of a region at each of them", () => {
    const problems = problemsWith({
      "defaults.notifications.opsgenieApiKeySecret": undefined,
      "regions.eu-west-1.notifications.opsgenieApiKeySecret": "eu/opsgenie",
      "regions.ap-southeast-2.notifications.opsgenieApiKeySecret": "apac/opsgenie",
      "regions.us-east-1.instances.0.notifications.opsgenieApiKeySecret": "us/opsgenie",
    });
    expect(problems).toEqual([
      `regions.us-east-1.instances[1].notifications.escalation: required: an escalation block: "type" (opsgenie, jsm or pagerduty) and "secret" (the Secrets Manager secret holding the API or routing key) (in defaults.notifications, a region's or an instance's notifications block)`,
    ]);
  });

  it("reports datapointsToAlarm above evaluationPeriods once, where the conflict is introduced", () => {
    expect(problemsWith({ "regions.us-east-1.alarm.evaluationPeriods": 1 })).toEqual([
      "regions.us-east-1.alarm.evaluationPeriods: datapointsToAlarm 2 is more than evaluationPeriods 1 (after merging instance > region > defaults); lower datapointsToAlarm or raise evaluationPeriods",
    ]);
    expect(problemsWith({ [`${EU0}.alarm.datapointsToAlarm`]: 3 })).toEqual([
      `${EU0_PATH}.alarm.datapointsToAlarm: datapointsToAlarm 3 is more than evaluationPeriods 2 (after merging instance > region > defaults); lower datapointsToAlarm or raise evaluationPeriods`,
    ]);
  });

  it("accepts datapointsToAlarm raised together with evaluationPeriods across levels", () => {
    expect(() =>
      parseConfig(
        configWith({ "defaults.alarm.evaluationPeriods": 5, [`${EU0}.alarm.datapointsToAlarm`]: 4 }),
      ),
    ).not.toThrow();
  });

  it("rejects maxWaitSeconds shorter than one poll", () => {
    expect(problemsWith({ "defaults.restart": { pollSeconds: 120, maxWaitSeconds: 60 } })).toEqual([
      "defaults.restart.maxWaitSeconds: maxWaitSeconds 60 is less than pollSeconds 120 (after merging instance > region > defaults), so not even one status poll fits; raise maxWaitSeconds or lower pollSeconds",
    ]);
  });

  it('reports what a block that sets "type" lacks at that block: it replaced the inherited one', () => {
    expect(problemsWith({ [`${EU0}.notifications`]: { chat: { type: "teams" } } })).toEqual([
      `${EU0_PATH}.notifications.chat.webhookSecret: required: this chat block sets "type", so it replaces the inherited block and needs its own "webhookSecret"`,
    ]);
    expect(
      problemsWith({ "regions.us-east-1.notifications": { escalation: { type: "pagerduty" } } }),
    ).toEqual([
      'regions.us-east-1.notifications.escalation.secret: required: this escalation block sets "type", so it replaces the inherited block and needs its own "secret"',
    ]);
  });

  it("accepts chatOn: [] (chat hears nothing; the pager still hears escalations), and names an empty host-key list", () => {
    const config = parseConfig(configWith({ [`${EU0}.notifications`]: { chatOn: [] } }));
    expect(
      config.regions.find((r) => r.name === "eu-west-1")?.instances[0]?.settings.notifications.chatOn,
    ).toEqual([]);
    expect(problemsWith({ [`${EU0}.ssh.hostKeySha256`]: [] })).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${EU0_PATH.replace(/[[\].]/g, "\\$&")}\\.ssh\\.hostKeySha256: expected .*, got an empty list$`,
        ),
      ),
    ]);
  });

  it("does not compare a value the schema already rejected", () => {
    expect(problemsWith({ "defaults.alarm.evaluationPeriods": 1.5 })).toEqual([
      "defaults.alarm.evaluationPeriods: expected a whole number, got 1.5",
    ]);
  });
});

describe("the committed example", () => {
  it("passes validation unchanged", () => {
    expect(() => parseConfig(exampleConfig())).not.toThrow();
  });
});

describe("operator alerts (CloudWatch notifies only a topic in the alarm's own region)", () => {
  it("rejects a top-level operatorTopicArn with the reason and the keys that replace it", () => {
    expect(
      problemsWith({ operatorTopicArn: "arn:aws:sns:eu-central-1:123456789012:platform-oncall" }),
    ).toEqual([
      "operatorTopicArn: only allowed in a region: CloudWatch alarm actions accept only an SNS topic in the alarm's own region, so one topic cannot serve every region; set regions.<region>.operatorTopicArn to an existing topic in that region, or list e-mail/https endpoints in operator.subscriptions and first-line creates <stackName>-<region>-operator in each region (accounts.<name>.regions.<region>.operatorTopicArn in a fleet)",
    ]);
  });

  it("rejects a region's topic in another region, naming CloudWatch's same-region rule", () => {
    expect(
      problemsWith({ "regions.us-east-1.operatorTopicArn": "arn:aws:sns:eu-central-1:123456789012:oncall" }),
    ).toEqual([
      "regions.us-east-1.operatorTopicArn: the topic is in eu-central-1, but CloudWatch alarm actions accept only an SNS topic in the alarm's own region (us-east-1); name a topic in us-east-1, or leave operatorTopicArn out and first-line creates one there for operator.subscriptions",
    ]);
  });

  it("accepts a region's topic in that region", () => {
    const config = parseConfig(
      configWith({ "regions.us-east-1.operatorTopicArn": "arn:aws:sns:us-east-1:123456789012:oncall" }),
    );

    expect(config.regions.find((r) => r.name === "us-east-1")?.operatorTopicArn).toBe(
      "arn:aws:sns:us-east-1:123456789012:oncall",
    );
  });

  it("rejects the same endpoint subscribed twice", () => {
    const subscription = { protocol: "email", endpoint: "oncall@example.com" };
    expect(problemsWith({ "operator.subscriptions": [subscription, { ...subscription }] })).toEqual([
      "operator.subscriptions[1]: duplicate of operator.subscriptions[0]; SNS keeps one subscription per endpoint (remove one)",
    ]);
  });
});

describe("URLs with credentials (a secret in config would land in Terraform state)", () => {
  const CREDENTIALS =
    "the URL has a user name or password in it: a secret in the configuration lands in Terraform config and state, plans and the workflow's execution history; give the URL without credentials";

  it.each([
    [`${EU0}.url`, "https://probe:hunter2@eu.example.com/health", `${EU0_PATH}.url`],
    [`${EU0}.url`, { address: "https://probe:hunter2@eu.example.com/health" }, `${EU0_PATH}.url.address`],
    [
      "defaults.notifications.opsgenieApiUrl",
      "https://key:hunter2@api.opsgenie.com",
      "defaults.notifications.opsgenieApiUrl",
    ],
    [
      "operator.subscriptions",
      [{ protocol: "https", endpoint: "https://u:hunter2@pager.example.com/sns" }],
      "operator.subscriptions[0].endpoint",
    ],
  ])("rejects %s = %j without printing the password", (path, value, shown) => {
    const problems = problemsWith({ [path]: value });

    expect(problems).toEqual([`${shown}: ${CREDENTIALS}`]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });
});
