import { writeOutputTree } from "../../adapters/fs/files.js";
import { catalogWorkspace } from "../../operations/catalog.js";
import { APP_OPTIONS, workspaceInput } from "../app-options.js";
import { parse, required } from "../args.js";
import type { Command } from "../io.js";
import { EXIT } from "../io.js";
import { printDiagnostics } from "../output.js";

export const catalog: Command = {
  help: `ferry catalog [APP_DIR...] --platform DIR --out DIR [--repo OWNER/NAME] [--json]

Writes the Backstage catalog of the apps' components, the files every release also commits to
its GitOps repository under catalog/:
  OUT/<project>.yaml                           a System and a Location of its components
  OUT/<project>/<component>/catalog-info.yaml  a Component and an API per endpoint
Owners come from the platform's projects[].owner. OUT is replaced as a whole.

Options:
  --platform, -p DIR   platform repository checkout (holds .ferry/platform.yaml)
  --repo OWNER/NAME    repository of the app (one APP_DIR only)
  --out, -o DIR        output directory (created; replaced if ferry wrote it before)
  --json               print the written files as JSON

Examples:
  ferry catalog examples/apps --platform examples/platform --out catalog`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...APP_OPTIONS, out: { type: "string", short: "o" } });
    if (values.help) {
      io.stdout(`${catalog.help}\n`);
      return EXIT.ok;
    }
    const out = required(values.out, "--out");
    const r = catalogWorkspace(workspaceInput(values, positionals));
    printDiagnostics(io, r.diagnostics);
    if (!r.ok) {
      io.stderr("ferry catalog: inputs have errors; nothing was written\n");
      return EXIT.failed;
    }
    await writeOutputTree(out, r.files);
    if (values.json) io.stdout(`${JSON.stringify({ out, files: [...r.files.keys()] }, null, 2)}\n`);
    else io.stdout(`${r.files.size} catalog file(s) -> ${out}\n`);
    return EXIT.ok;
  },
};
