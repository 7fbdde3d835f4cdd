import type { TreeDiff } from "../../renderers/diff.js";
import { changeDiff } from "../../renderers/diff.js";
import { changeReports, diffDirectories, diffWorkspace } from "../../operations/diff.js";
import { APP_OPTIONS, APP_OPTIONS_HELP, workspaceInput } from "../app-options.js";
import { parse } from "../args.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { printDiagnostics } from "../output.js";

export const diff: Command = {
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
    let result: TreeDiff;
    if (values.against) {
      const r = diffWorkspace({ ...workspaceInput(values, positionals), against: values.against });
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) {
        io.stderr("ferry diff: inputs have errors\n");
        return EXIT.failed;
      }
      result = r.diff;
    } else {
      const [a, b] = positionals;
      if (!a || !b || positionals.length !== 2) throw new UsageError("ferry diff needs two directories, or --platform and --against");
      result = diffDirectories(a, b);
    }
    if (values.json) {
      io.stdout(
        `${JSON.stringify({ added: result.added, changed: result.changed, removed: result.removed, unchanged: result.unchanged, changes: changeReports(result, { lines: !values.stat }) }, null, 2)}\n`,
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
