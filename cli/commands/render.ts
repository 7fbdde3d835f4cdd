import { renderWorkspace, summarizeEnvironments, writeRenderedTree } from "../../operations/render.js";
import { APP_OPTIONS, APP_OPTIONS_HELP, workspaceInput } from "../app-options.js";
import { parse, required } from "../args.js";
import type { Command } from "../io.js";
import { EXIT } from "../io.js";
import { printDiagnostics } from "../output.js";

export const render: Command = {
  help: `ferry render [APP_DIR...] --platform DIR --out DIR [--env ENV] [--repo OWNER/NAME] [--json]

Renders every component of the app checkouts for each environment and writes
  OUT/releases/<project>/<component>/<release>.yaml         frozen release inputs
  OUT/environments/<env>/<project>/<component>/<kind>-<name>.yaml
An APP_DIR holds .ferry/; a directory without one stands for the apps up to two levels below.
Nothing is written when any input or policy has an error. OUT is replaced as a whole.

Options:
${APP_OPTIONS_HELP}
  --out, -o DIR        output directory (created; replaced if ferry wrote it before)

Examples:
  ferry render examples/apps --platform examples/platform --out rendered
  ferry render . --platform ../platform --out /tmp/out --env dev --repo acme/checkout-api`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...APP_OPTIONS, out: { type: "string", short: "o" } });
    if (values.help) {
      io.stdout(`${render.help}\n`);
      return EXIT.ok;
    }
    const out = required(values.out, "--out");
    const r = renderWorkspace(workspaceInput(values, positionals));
    printDiagnostics(io, r.diagnostics);
    if (!("result" in r) || !r.ok) {
      io.stderr("ferry render: inputs have errors; nothing was written\n");
      return EXIT.failed;
    }
    await writeRenderedTree(out, r.result);
    const summary = summarizeEnvironments(r.result);
    if (values.json) {
      io.stdout(`${JSON.stringify({ out, releases: r.result.releases.map((x) => x.metadata), environments: summary }, null, 2)}\n`);
    } else {
      for (const s of summary) {
        io.stdout(
          `${s.environment.padEnd(12)} ${String(s.components).padStart(3)} components ${String(s.objects).padStart(4)} objects ${s.warnings ? `${s.warnings} warning(s)` : "no warnings"}  -> ${out}/environments/${s.environment}\n`,
        );
      }
      io.stdout(`${r.result.releases.length} releases -> ${out}/releases\n`);
    }
    return EXIT.ok;
  },
};
