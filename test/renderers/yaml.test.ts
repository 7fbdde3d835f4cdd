import { describe, expect, it } from "vitest";
import { parseYamlDocuments } from "../../renderers/yaml.js";

/** A place inside a string value mapped back to the file's line and column, through every scalar style. */
const TEXT = [
  "signals:", //                                   1
  "  folded:", //                                  2
  "    query: >-", //                              3
  "      sum(rate(a[5m]))", //                     4
  "        / sum(rate(b[5m]))", //                 5
  "  literal:", //                                 6
  "    query: |", //                               7
  "      max(c)", //                               8
  "      by (le)", //                              9
  "  plain: {query: max(d) by (x)}", //            10
  "  single: {query: 'max(e{f=''g''})'}", //      11
  '  double: {query: "max(h{i=\\"j\\"})"}', //    12
  "",
].join("\n");

function doc() {
  const diagnostics: never[] = [];
  const d = parseYamlDocuments("p.yaml", TEXT, diagnostics)[0]!;
  expect(diagnostics).toEqual([]);
  return d;
}
const value = (d: ReturnType<typeof doc>, key: string) =>
  (d.value as { signals: Record<string, { query: string } | string> }).signals[key] as { query: string };

describe("SourceDocument.locateInString", () => {
  it("a folded block scalar: the second line's '/' and the end of the value", () => {
    const d = doc();
    const q = value(d, "folded").query;
    expect(q).toBe("sum(rate(a[5m]))\n  / sum(rate(b[5m]))");
    expect(d.locateInString(["signals", "folded", "query"], 0)).toEqual({ line: 4, column: 7 });
    expect(d.locateInString(["signals", "folded", "query"], q.indexOf("/"))).toEqual({ line: 5, column: 9 });
    expect(d.locateInString(["signals", "folded", "query"], q.length)).toEqual({ line: 5, column: 27 });
  });

  it("a literal block scalar: 'by' on its own line", () => {
    const d = doc();
    const q = value(d, "literal").query;
    expect(d.locateInString(["signals", "literal", "query"], q.indexOf("by"))).toEqual({ line: 9, column: 7 });
  });

  it("a plain scalar in a flow mapping", () => {
    const d = doc();
    const q = value(d, "plain").query;
    expect(d.locateInString(["signals", "plain", "query"], q.indexOf("by"))).toEqual({ line: 10, column: TEXT.split("\n")[9]!.indexOf("by") + 1 });
  });

  it("quotes with escapes ('' and \\\") cannot be matched character for character: the string's own position", () => {
    const d = doc();
    expect(d.locateInString(["signals", "single", "query"], 5)).toEqual({ line: 11, column: TEXT.split("\n")[10]!.indexOf("'") + 1 });
    expect(d.locateInString(["signals", "double", "query"], 5)).toEqual({ line: 12, column: TEXT.split("\n")[11]!.indexOf('"') + 1 });
  });

  it("a path that is not a string falls back to locate", () => {
    const d = doc();
    expect(d.locateInString(["signals", "folded"], 3)).toEqual(d.locate(["signals", "folded"]));
  });
});
