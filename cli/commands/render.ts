import { hasErrors } from "../../renderers/diagnostics.js";
import { renderApps } from "../../core/render.js";
import type { RenderResult } from "../../core/render.js";
import { list, parse, required } from "../args.js";
import { writeOutputTree } from "../../adapters/fs/files.js";
import type { Command } from "../io.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import type { Workspace } from "../../operations/workspace.js";
import { EXIT } from "../io.js";
import { loadWorkspace, printDiagnostics } from "../../operations/workspace.js";

export const APP_OPTIONS = {
  platform: { type: "string", short: "p" },
  repo: { type: "string" },
  env: { type: "string", multiple: true, short: "e" },
  json: { type: "boolean" },
} as const;

export const APP_OPTIONS_HELP = `  --platform, -p DIR   platform repository checkout (holds .ferry/platform.yaml)
  --repo OWNER/NAME    repository of the app (one APP_DIR only); default: its git origin, else
                       its last two path segments
  --env, -e ENV        only these environments (repeat or comma-separate); default: all
  --json               machine-readable output on stdout`;

export interface AppArgs {
  readonly platform?: string;
  readonly repo?: string;
  readonly env?: string[];
}

export type RenderOutcome =
  | { readonly ok: false; readonly diagnostics: Diagnostic[] }
  | { readonly ok: boolean; readonly ws: Workspace; readonly result: RenderResult; readonly diagnostics: Diagnostic[] };

/** Loads the workspace and renders it in memory. */
export function loadAndRender(values: AppArgs, positionals: readonly string[]): RenderOutcome {
  const ws = loadWorkspace({ apps: positionals, platform: required(values.platform, "--platform"), repo: values.repo, envs: list(values.env) });
  if (!("bundle" in ws)) return { ok: false, diagnostics: ws.diagnostics };
  const result = renderApps(ws.bundle, ws.components, ws.catalog, ws.environments, ws.cel);
  const diagnostics = [...ws.diagnostics, ...result.diagnostics];
  return { ok: !hasErrors(diagnostics), ws, result, diagnostics };
}

/** Per environment: components, objects, warnings. */
export function summarize(result: RenderResult) {
  const envs = [...new Set(result.rendered.map((r) => r.environment))];
  return envs.map((env) => {
    const rs = result.rendered.filter((r) => r.environment === env);
    return {
      environment: env,
      components: rs.length,
      objects: rs.reduce((n, r) => n + r.objects.length, 0),
      warnings: rs.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === "warning").length, 0),
      errors: rs.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === "error").length, 0),
    };
  });
}

export const render: Command = {
  summary: "render components into per-environment manifests",
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
    const r = loadAndRender(values, positionals);
    printDiagnostics(io, r.diagnostics);
    if (!("result" in r) || !r.ok) {
      io.stderr("ferry render: inputs have errors; nothing was written\n");
      return EXIT.failed;
    }
    writeOutputTree(out, r.result.files);
    const summary = summarize(r.result);
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
