import { deterministicZip, readZip } from "../../stacks/zip";

describe("deterministicZip", () => {
  const entries = [
    { name: "b.js", data: Buffer.from("second") },
    { name: "a.js", data: Buffer.from("first ".repeat(100)) },
  ];

  it("gives the same bytes for the same files, whatever their order", () => {
    expect(deterministicZip(entries).equals(deterministicZip([...entries].reverse()))).toBe(true);
  });

  it("round-trips every file's content, sorted by name", () => {
    const read = readZip(deterministicZip(entries));
    expect(read.map((e) => [e.name, e.data.toString()])).toEqual([
      ["a.js", "first ".repeat(100)],
      ["b.js", "second"],
    ]);
  });

  it("stamps every entry with 1980-01-01 00:00 and mode 0644", () => {
    for (const entry of readZip(deterministicZip(entries))) {
      expect(entry.dosDate).toBe(0x21); // year 0 (1980), month 1, day 1
      expect(entry.dosTime).toBe(0);
      expect(entry.unixMode).toBe(0o100644);
    }
  });

  it("changes its bytes when a file's content changes", () => {
    const changed = [entries[0] as (typeof entries)[number], { name: "a.js", data: Buffer.from("other") }];
    expect(deterministicZip(entries).equals(deterministicZip(changed))).toBe(false);
  });
});
