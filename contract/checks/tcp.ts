/**
 * TCP check (DESIGN §3): connect to `tcp.host` (default: the instance's IP, as for SSH) on
 * `tcp.port`; passes when the connection is accepted within `timeoutSeconds`. For services
 * that speak neither HTTP nor SSH. Function: functions/tcp-check.
 */
import { flag, optional, whole } from "../fields";
import { instanceIpLookup } from "../iam";
import { hostField, PORT_MAX } from "../identifiers";
import { defineCheck } from "./check";

const settings = { timeoutSeconds: whole(1, 60) } as const;
const defaults = { timeoutSeconds: 5 } as const;
const port = whole(1, PORT_MAX, { what: "a TCP port (1-65535)" });

export const tcpCheck = defineCheck({
  name: "tcp",
  label: "TCP",
  functionName: "tcp-check",
  settings,
  defaults,
  target: { host: optional(hostField), port },
  placement: { in: "block" },
  configuredBy: 'a "tcp" block with "port"',
  vpc: true,
  input: {
    host: optional(hostField),
    port,
    timeoutSeconds: settings.timeoutSeconds,
    /** The function runs in a VPC: the default host is the private IP. */
    inVpc: flag(),
  },
  resolve: ({ target, settings: s, inVpc }) => ({
    ...(target.host === undefined ? {} : { host: target.host }),
    port: target.port,
    timeoutSeconds: s.timeoutSeconds,
    inVpc,
  }),
  iam: (instances) => instanceIpLookup(instances),
  timeoutSeconds: (s) => s.timeoutSeconds,
  defaultTimeoutSeconds: defaults.timeoutSeconds,
  describe: (s) => `${s.host ?? "(instance IP)"}:${s.port}, ${s.timeoutSeconds} s`,
});
