import { sortDiagnostics } from "../../renderers/diagnostics.js";
import type { CliIo, Command } from "../io.js";
import { EXIT } from "../io.js";
import { printDiagnostics } from "../../operations/workspace.js";
import { parse } from "../args.js";
import { APP_OPTIONS, APP_OPTIONS_HELP, loadAndRender, summarize } from "./render.js";

export const validate: Command = {
  summary: "check components and policies without writing anything",
  help: `ferry validate [APP_DIR...] --platform DIR [--env ENV] [--repo OWNER/NAME] [--json]

Loads, checks and renders the components in memory, runs every policy, and reports all
problems together with file:line:column and field. Exit 1 on any error; warnings are shown
and exit 0.

Options:
${APP_OPTIONS_HELP}

Examples:
  ferry validate examples/apps --platform examples/platform
  ferry validate . --platform ../platform --env prod --json`,
  async run(argv: readonly string[], io: CliIo) {
    const { values, positionals } = parse(argv, APP_OPTIONS);
    if (values.help) {
      io.stdout(`${validate.help}\n`);
      return EXIT.ok;
    }
    const r = loadAndRender(values, positionals);
    const code = r.ok ? EXIT.ok : EXIT.failed;
    if (values.json) {
      io.stdout(
        `${JSON.stringify({ ok: r.ok, diagnostics: sortDiagnostics(r.diagnostics), environments: "result" in r ? summarize(r.result) : [] }, null, 2)}\n`,
      );
      return code;
    }
    printDiagnostics(io, r.diagnostics);
    const errors = r.diagnostics.filter((d) => d.severity === "error").length;
    const warnings = r.diagnostics.length - errors;
    io.stdout(
      errors
        ? `${errors} error(s), ${warnings} warning(s)\n`
        : `ok: ${"result" in r ? r.result.releases.length : 0} components valid, ${warnings} warning(s)\n`,
    );
    return code;
  },
};
