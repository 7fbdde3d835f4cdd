import { validateWorkspace } from "../../operations/validate.js";
import { APP_OPTIONS, APP_OPTIONS_HELP, workspaceInput } from "../app-options.js";
import { parse } from "../args.js";
import type { CliIo, Command } from "../io.js";
import { EXIT } from "../io.js";
import { printDiagnostics } from "../output.js";

export const validate: Command = {
  help: `ferry validate [APP_DIR...] --platform DIR [--env ENV] [--repo OWNER/NAME] [--against DIR] [--json]

Loads, checks and renders the components in memory, runs every policy, and reports all
problems together with file:line:column and field. Exit 1 on any error; warnings are shown
and exit 0.

With --against DIR (the apps before the change, as for ferry impact), the components of the
other repositories there are known to dependencies, and removing, renaming or hiding an endpoint
that one of them consumes is an error naming the consumer, its repository and its file.

Options:
${APP_OPTIONS_HELP}
  --against DIR        the apps before the change (see ferry impact --help)

Examples:
  ferry validate examples/apps --platform examples/platform
  ferry validate . --platform ../platform --env prod --json
  ferry validate . --platform ../platform --against ../all-apps`,
  async run(argv: readonly string[], io: CliIo) {
    const { values, positionals } = parse(argv, { ...APP_OPTIONS, against: { type: "string" } });
    if (values.help) {
      io.stdout(`${validate.help}\n`);
      return EXIT.ok;
    }
    const report = validateWorkspace(workspaceInput(values, positionals), values.against !== undefined ? { against: values.against } : {});
    const code = report.ok ? EXIT.ok : EXIT.failed;
    if (values.json) {
      io.stdout(`${JSON.stringify({ ok: report.ok, diagnostics: report.diagnostics, environments: report.environments }, null, 2)}\n`);
      return code;
    }
    printDiagnostics(io, report.diagnostics);
    const errors = report.diagnostics.filter((d) => d.severity === "error").length;
    const warnings = report.diagnostics.length - errors;
    io.stdout(errors ? `${errors} error(s), ${warnings} warning(s)\n` : `ok: ${report.components} components valid, ${warnings} warning(s)\n`);
    return code;
  },
};
