import { existsSync } from "node:fs";
import { changeDiff, diffTrees } from "../../renderers/diff.js";
import { parse } from "../args.js";
import { readTree } from "../../adapters/fs/files.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { printDiagnostics } from "../../operations/workspace.js";
import { APP_OPTIONS, APP_OPTIONS_HELP, loadAndRender } from "./render.js";

export const diff: Command = {
  summary: "show what changes between two rendered trees, or between a render and a directory",
  help: `ferry diff OLD_DIR NEW_DIR [--json] [--stat]
ferry diff [APP_DIR...] --platform DIR --against DIR [--env ENV] [--json] [--stat]

The first form compares two rendered trees. The second renders the apps in memory and
compares the result with a directory (a previous render, or a GitOps checkout).
Exit 0 when nothing differs, 1 when something does (like diff(1)), 2 on bad usage.

Options:
${APP_OPTIONS_HELP}
  --against DIR        tree to compare the render with
  --stat               summary only, no line diffs

Examples:
  ferry diff rendered-before rendered
  ferry diff examples/apps --platform examples/platform --against rendered --env prod`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...APP_OPTIONS, against: { type: "string" }, stat: { type: "boolean" } });
    if (values.help) {
      io.stdout(`${diff.help}\n`);
      return EXIT.ok;
    }
    let before: Map<string, string>;
    let after: Map<string, string>;
    if (values.against) {
      const r = loadAndRender(values, positionals);
      printDiagnostics(io, r.diagnostics);
      if (!("result" in r) || !r.ok) {
        io.stderr("ferry diff: inputs have errors\n");
        return EXIT.failed;
      }
      before = readTree(values.against);
      after = new Map(r.result.files);
      const envs = new Set(r.ws.environments.map((e) => e.name));
      // Compare only what the render covers: the selected environments and releases.
      before = new Map([...before].filter(([p]) => p.startsWith("releases/") || envs.has(p.split("/")[1] ?? "")));
    } else {
      const [a, b] = positionals;
      if (!a || !b || positionals.length !== 2) throw new UsageError("ferry diff needs two directories, or --platform and --against");
      for (const d of [a, b]) if (!existsSync(d)) throw new UsageError(`${d}: no such directory`);
      before = readTree(a);
      after = readTree(b);
    }
    const result = diffTrees(before, after);
    if (values.json) {
      io.stdout(
        `${JSON.stringify({ added: result.added, changed: result.changed, removed: result.removed, unchanged: result.unchanged, changes: result.changes.map((c) => ({ path: c.path, status: c.status, diff: values.stat ? undefined : changeDiff(c) })) }, null, 2)}\n`,
      );
    } else {
      for (const c of result.changes) {
        io.stdout(`${c.status === "added" ? "+" : c.status === "removed" ? "-" : "~"} ${c.path}\n`);
      }
      if (!values.stat) for (const c of result.changes) io.stdout(changeDiff(c));
      io.stdout(`${result.added} added, ${result.changed} changed, ${result.removed} removed, ${result.unchanged} unchanged\n`);
    }
    return result.changes.length === 0 ? EXIT.ok : EXIT.failed;
  },
};
