/**
 * The map stays true: every file or folder path ARCHITECTURE.md and CONTRIBUTING.md name in
 * backquotes (`flows/promotion/promote.ts`, `adapters/github/`) exists in the checkout.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** The checkout's top-level folders: a backquoted word starting with one of them is a path. */
const TOP = new Set(
  ["adapters", "app", "bench", "cli", "contracts", "core", "deploy", "docs", "examples", "flows", "mcp", "operations"].concat([
    "policies",
    "portal",
    "presentation",
    "renderers",
    "scripts",
    "templates",
    "test",
    ".ci",
  ]),
);

/** The repository paths named in backquotes: a top-level folder, then more, optionally a `:line` or `#anchor`. */
export function namedPaths(markdown: string): string[] {
  const found = new Set<string>();
  for (const m of markdown.matchAll(/`([^`\s]+)`/g)) {
    const text = m[1]!.replace(/[:#].*$/, "").replace(/[.,;)]+$/, "");
    const first = text.split("/")[0]!;
    if (!TOP.has(first) || !text.includes("/")) continue;
    if (/[<>*{}$]/.test(text)) continue; // a pattern (`templates/traits/<name>.yaml`, `test/**`), not a path
    found.add(text);
  }
  return [...found].sort();
}

describe("the docs name only paths that exist", () => {
  for (const doc of ["ARCHITECTURE.md", "CONTRIBUTING.md"]) {
    it(`${doc}: every backquoted path exists`, () => {
      const named = namedPaths(readFileSync(path.join(ROOT, doc), "utf8"));
      expect(named.length).toBeGreaterThan(20);
      expect(named.filter((p) => !existsSync(path.join(ROOT, p)))).toEqual([]);
    });
  }

  it("reads paths out of backquotes and leaves patterns and other words alone", () => {
    expect(namedPaths("see `flows/promotion/promote.ts:12`, `adapters/github/`, `templates/traits/<name>.yaml`, `npm test`, `Deps.portal`")).toEqual([
      "adapters/github/",
      "flows/promotion/promote.ts",
    ]);
  });
});
