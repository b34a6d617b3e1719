import { InvalidInputError } from "../../functions/shared/errors";
import { INSTANCE_ID, MAX_STRING_LENGTH, parseInput, REGION } from "../../functions/shared/input";

function problemsOf(event: unknown, build: Parameters<typeof parseInput>[1]): readonly string[] {
  try {
    parseInput(event, build);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return (err as InvalidInputError).problems;
  }
  throw new Error("expected parseInput to throw");
}

describe("parseInput", () => {
  it("returns what the builder read when the event is valid", () => {
    const value = parseInput({ instanceId: "i-0123456789abcdef0", settings: { port: 22 } }, (read) => ({
      id: read.string(["instanceId"], { pattern: INSTANCE_ID }),
      port: read.number(["settings", "port"], { integer: true, min: 1, max: 65535 }),
    }));

    expect(value).toEqual({ id: "i-0123456789abcdef0", port: 22 });
  });

  it("collects every problem with its path instead of stopping at the first", () => {
    const problems = problemsOf(
      { instanceId: "i-xyz", settings: { port: 70000, hosts: ["a", 7] }, mode: "loud" },
      (read) => {
        read.string(["instanceId"], { pattern: INSTANCE_ID, hint: "an EC2 instance id" });
        read.number(["settings", "port"], { max: 65535 });
        read.stringList(["settings", "hosts"]);
        read.oneOf(["mode"], ["quiet", "verbose"]);
        read.string(["region"]);
      },
    );

    expect(problems).toEqual([
      'instanceId: "i-xyz" is not an EC2 instance id',
      "settings.port: must be <= 65535, got 70000",
      "settings.hosts[1]: expected a non-empty string, got number 7",
      'mode: expected one of "quiet", "verbose", got "loud"',
      "region: expected a non-empty string, got nothing",
    ]);
  });

  it.each([
    ["null", null, "null"],
    ["a list", [{ instanceId: "i-0123456789abcdef0" }], "a list"],
    ["a string", "i-0123456789abcdef0", '"i-0123456789abcdef0"'],
    ["a number", 42, "number 42"],
  ])("rejects %s as the event without running the builder", (_label, event, shown) => {
    const build = jest.fn();

    const problems = problemsOf(event, build);

    expect(problems).toEqual([`event: expected an object, got ${shown}`]);
    expect(build).not.toHaveBeenCalled();
  });

  it("rejects strings longer than the limit and does not echo them", () => {
    const long = "x".repeat(MAX_STRING_LENGTH + 1);

    const problems = problemsOf({ alarmName: long }, (read) => read.string(["alarmName"]));

    expect(problems).toEqual([`alarmName: longer than ${MAX_STRING_LENGTH} characters`]);
  });

  it("accepts a string of exactly the limit", () => {
    const value = parseInput({ alarmName: "x".repeat(MAX_STRING_LENGTH) }, (read) =>
      read.string(["alarmName"]),
    );

    expect(value).toHaveLength(MAX_STRING_LENGTH);
  });

  it("shortens a long bad value to 57 characters and an ellipsis in the message", () => {
    const bad = `eu-${"west".repeat(30)}-1x`;

    const problems = problemsOf({ region: bad }, (read) =>
      read.string(["region"], { pattern: REGION, hint: "an AWS region name" }),
    );

    expect(problems).toEqual([`region: "${bad.slice(0, 57)}..." is not an AWS region name`]);
  });

  it("the error names the InvalidInput type the workflow catches and lists the problems", () => {
    const error = new InvalidInputError(["a: bad", "b: worse"]);

    expect(error.name).toBe("InvalidInput");
    expect(error.message).toBe("invalid input: a: bad; b: worse");
  });
});

describe("INSTANCE_ID and REGION", () => {
  it.each(["i-0123abcd", "i-0123456789abcdef0"])("accepts instance id %s", (id) => {
    expect(INSTANCE_ID.test(id)).toBe(true);
  });

  it.each(["i-0123ABCD", "i-0123456789abcdef", "0123456789abcdef0", "i-0123456789abcdef0 "])(
    "rejects instance id %j",
    (id) => {
      expect(INSTANCE_ID.test(id)).toBe(false);
    },
  );

  it.each(["eu-west-1", "ap-southeast-2", "us-gov-west-1"])("accepts region %s", (region) => {
    expect(REGION.test(region)).toBe(true);
  });

  it.each(["EU-WEST-1", "eu-west", "euwest1", "eu-west-1a"])("rejects region %j", (region) => {
    expect(REGION.test(region)).toBe(false);
  });
});
