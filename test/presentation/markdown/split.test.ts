import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { commentMarker, markerPart } from "../../../core/comments/markers.js";
import { GITHUB_COMMENT_LIMIT, shortenLine, splitMarkdown } from "../../../presentation/markdown/split.js";

/** Open fences and details blocks at the end of a part (a tiny independent checker). */
function openBlocks(part: string): string[] {
  const stack: string[] = [];
  for (const line of part.split("\n")) {
    const top = stack[stack.length - 1];
    const fence = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (top?.startsWith("fence:")) {
      const open = top.slice(6);
      if (fence && fence[1]![0] === open[0] && fence[1]!.length >= open.length && fence[2]!.trim() === "") stack.pop();
      continue;
    }
    if (fence) stack.push(`fence:${fence[1]}`);
    else if (/^\s*<details/.test(line) && !/<\/details>\s*$/.test(line)) stack.push("details");
    else if (/^\s*<\/details>\s*$/.test(line)) stack.pop();
  }
  return stack;
}

const header = (n: number) => commentMarker("preview", n);

function bigDiff(lines: number, width = 80): string {
  const body = Array.from({ length: lines }, (_, i) => `+  line-${String(i).padStart(6, "0")}: ${"x".repeat(width)}`);
  return [
    "## Ferry preview",
    "",
    "<details>",
    "<summary><code>shop/api</code> in dev</summary>",
    "",
    "```diff",
    ...body,
    "```",
    "",
    "</details>",
    "",
    "after",
  ].join("\n");
}

describe("splitMarkdown", () => {
  it("returns one part with the header when the text fits", () => {
    const parts = splitMarkdown("hello\nworld", { header });
    expect(parts).toEqual(["<!-- ferry:preview -->\nhello\nworld"]);
  });

  it("splits a huge diff into parts under the limit, each balanced, continuation markers numbered", () => {
    const text = bigDiff(3000);
    const parts = splitMarkdown(text, { header, limit: GITHUB_COMMENT_LIMIT });
    expect(parts.length).toBeGreaterThan(3);
    parts.forEach((p, i) => {
      expect(p.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
      expect(p.split("\n")[0]).toBe(header(i + 1));
      expect(openBlocks(p)).toEqual([]);
    });
    // Parts after the first reopen the details block (summary marked) and the diff fence.
    expect(parts[1]).toContain("<summary><code>shop/api</code> in dev (continued)</summary>");
    expect(parts[1]!.split("\n").slice(1, 5)).toEqual(["<details>", "<summary><code>shop/api</code> in dev (continued)</summary>", "", "```diff"]);
  });

  it("never cuts a line: every input line appears whole, in order, exactly once", () => {
    const text = bigDiff(2500, 50);
    const parts = splitMarkdown(text, { header, limit: 20_000 });
    const inputLines = text.split("\n").filter((l) => l.startsWith("+  line-"));
    const outputLines = parts.flatMap((p) => p.split("\n")).filter((l) => l.startsWith("+  line-"));
    expect(outputLines).toEqual(inputLines);
  });

  it("closes and reopens nested details with a fence inside", () => {
    const inner = Array.from({ length: 400 }, (_, i) => `  value ${i} ${"y".repeat(40)}`);
    const text = [
      "<details>",
      "<summary>outer</summary>",
      "",
      "<details><summary>inner</summary>",
      "",
      "~~~~yaml",
      ...inner,
      "~~~~",
      "</details>",
      "</details>",
      "tail",
    ].join("\n");
    const parts = splitMarkdown(text, { header, limit: 6000 });
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(6000);
      expect(openBlocks(p)).toEqual([]);
    }
    expect(parts[1]).toContain("<summary>outer (continued)</summary>");
    expect(parts[1]).toContain("<summary>inner (continued)</summary>");
    expect(parts[1]).toContain("~~~~yaml");
    expect(parts[parts.length - 1]!.trimEnd().endsWith("tail")).toBe(true);
  });

  it("treats fence-like and details-like lines inside a longer fence as text", () => {
    const body = Array.from({ length: 300 }, (_, i) => (i % 50 === 0 ? "```" : i % 50 === 25 ? "<details>" : `line ${i} ${"z".repeat(30)}`));
    const text = ["````diff", ...body, "````", "end"].join("\n");
    const parts = splitMarkdown(text, { header, limit: 3000 });
    for (const p of parts) expect(openBlocks(p)).toEqual([]);
    // Each continuation reopens the four-backtick fence, not a three-backtick one.
    expect(parts.slice(1).every((p) => p.split("\n")[1] === "````diff")).toBe(true);
    expect(parts.flatMap((p) => p.split("\n")).filter((l) => l === "<details>")).toHaveLength(6);
  });

  it("shortens a single line longer than any part, saying how much was left out", () => {
    const long = "k".repeat(200_000);
    const parts = splitMarkdown(`before\n${long}\nafter`, { header });
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const all = parts.join("\n");
    expect(all).toMatch(/… \[line shortened: \d+ more characters\]/);
    expect(all).toContain("before");
    expect(all).toContain("after");
  });

  it("holds for arbitrary fenced and nested content (property)", () => {
    const line = fc.oneof(
      fc.string({ maxLength: 120 }).map((s) => s.replace(/\n/g, " ")),
      fc.constantFrom("```", "```diff", "~~~", "<details>", "<summary>s</summary>", "</details>", ""),
    );
    expect(() =>
      fc.assert(
        fc.property(fc.array(line, { maxLength: 400 }), fc.integer({ min: 1200, max: 5000 }), (lines, limit) => {
          const parts = splitMarkdown(lines.join("\n"), { header, limit });
          for (const [i, p] of parts.entries()) {
            if (p.length > limit) return false;
            if (markerPart(p, "preview") !== i + 1) return false;
            if (parts.length > 1 && i < parts.length - 1 && openBlocks(p).length > 0) return false;
          }
          return true;
        }),
        { numRuns: 200 },
      ),
    ).not.toThrow();
  });

  it("refuses a limit too small for header and note", () => {
    expect(() => splitMarkdown("x", { header, limit: 100 })).toThrow(/too small/);
  });
});

describe("shortenLine", () => {
  it("keeps short lines and shortens long ones to the maximum", () => {
    expect(shortenLine("abc", 10)).toBe("abc");
    const s = shortenLine("a".repeat(500), 100);
    expect(s.length).toBeLessThanOrEqual(100);
    expect(s).toMatch(/more characters\]$/);
  });
});
