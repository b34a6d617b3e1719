/**
 * `enabled: false` (DESIGN §4): on a region or an instance it keeps every resource and only
 * disables the instances' EventBridge rules (`state = "DISABLED"`); the instance's own value wins
 * over its region's. Everything else in the synthesized stack stays byte for byte the same.
 */
import { renderSummary } from "../../scripts/lib/summary";
import { readSynth } from "../../scripts/lib/synth-output";
import { parseConfig } from "../../stacks/config";
import { allBlocks, committedExample, resourcesOf, type Synthesized } from "../../testkit/synth";
import { synthesizedOnce } from "../../testkit/synth-suite";
import { configWith, problemsOf } from "../fixtures/config/helpers";

jest.setTimeout(60_000);

const US_A = "i-0a1b2c3d4e5f60718";
const US_B = "i-0fedcba9876543210";
const AU = "i-0123456789abcdef1";
const EU = "i-0123456789abcdef0";

/** The committed example with us-east-1 disabled except for one instance, and the AU instance disabled. */
function withDisabled(): Record<string, unknown> {
  const raw = committedExample() as {
    regions: Record<string, { enabled?: boolean; instances: { enabled?: boolean }[] }>;
  };
  const us = raw.regions["us-east-1"];
  const au = raw.regions["ap-southeast-2"];
  if (!us?.instances[1] || !au?.instances[0]) throw new Error("the example changed");
  us.enabled = false;
  us.instances[1].enabled = true;
  au.instances[0].enabled = false;
  return raw;
}

const base = synthesizedOnce(committedExample);
const disabled = synthesizedOnce(withDisabled);

function ruleStates(s: Synthesized): Record<string, unknown> {
  return Object.fromEntries(
    resourcesOf(s.json, "aws_cloudwatch_event_rule").map((b) => [b.path.split("/")[1], b.body.state]),
  );
}

describe("enabled", () => {
  it.each([
    { title: "spells out ENABLED on every rule by default", synth: () => base, us: "ENABLED", au: "ENABLED" },
    {
      title:
        "disables the rules of a disabled region and instance; an instance's own true wins over its region's false",
      synth: () => disabled,
      us: "DISABLED",
      au: "DISABLED",
    },
  ])("$title", ({ synth, us, au }) => {
    // US_B is enabled in both: in the disabled config it says so itself, overriding its region.
    expect(ruleStates(synth())).toEqual({ [EU]: "ENABLED", [US_A]: us, [US_B]: "ENABLED", [AU]: au });
  });

  it("keeps every resource and changes nothing but the rules' state", () => {
    const withoutState = (s: Synthesized) =>
      allBlocks(s.json).map((b) => {
        const { state: _state, ...rest } = b.body;
        return [b.address, b.type === "aws_cloudwatch_event_rule" ? rest : b.body];
      });
    expect(withoutState(disabled)).toEqual(withoutState(base));
    expect(disabled.json.output).toEqual(base.json.output);
  });

  it("is resolved per instance, nearer level first", () => {
    const config = parseConfig(withDisabled());
    const enabled = config.regions.flatMap((r) => r.instances.map((i) => [i.settings.instanceId, i.enabled]));
    expect(Object.fromEntries(enabled)).toEqual({ [EU]: true, [US_A]: false, [US_B]: true, [AU]: false });
  });

  it("accepts only true or false, naming the field", () => {
    expect(
      problemsOf(
        configWith({ "regions.eu-west-1.enabled": "no", "regions.us-east-1.instances.0.enabled": 0 }),
      ),
    ).toEqual([
      'regions.eu-west-1.enabled: expected true or false, got "no"',
      "regions.us-east-1.instances[0].enabled: expected true or false, got 0",
    ]);
  });

  it("is not a setting of defaults (it belongs to a region or an instance)", () => {
    expect(problemsOf(configWith({ "defaults.enabled": false }))).toEqual([
      expect.stringMatching(/^defaults\.enabled: unknown key/),
    ]);
  });

  it("shows in the review summary: the instances marked, the rules' state change against the base", () => {
    const { details } = renderSummary({ head: readSynth(disabled.outdir), base: readSynth(base.outdir) });
    const instanceRows = details.split("\n").filter((l) => /^\| .*`i-/.test(l));
    const marked = instanceRows.filter((l) => l.includes("(disabled: rule off)"));
    expect(marked.map((l) => /`(i-[0-9a-f]+)`/.exec(l)?.[1]).sort()).toEqual([US_A, AU].sort());
    expect(details).toMatch(/state: "ENABLED" → "DISABLED"/);
  });
});
