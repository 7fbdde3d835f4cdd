/** Render: load the checkouts and render every component for the selected environments, in memory; write the tree on request. */
import type { Diagnostic } from "../renderers/diagnostics.js";
import { hasErrors } from "../renderers/diagnostics.js";
import { renderApps } from "../core/render.js";
import type { RenderOptions, RenderResult } from "../core/render.js";
import type { Catalog } from "../renderers/apps.js";
import { writeOutputTree } from "../adapters/fs/files.js";
import type { Workspace, WorkspaceInput } from "./workspace.js";
import { loadWorkspace } from "./workspace.js";

/** A render: only diagnostics when the inputs did not load; otherwise the workspace, the result, and whether anything has errors. */
export type RenderOutcome =
  | { readonly ok: false; readonly diagnostics: Diagnostic[] }
  | { readonly ok: boolean; readonly ws: Workspace; readonly result: RenderResult; readonly diagnostics: Diagnostic[] };

/** One environment's share of a render. */
export interface EnvironmentSummary {
  readonly environment: string;
  readonly components: number;
  readonly objects: number;
  readonly warnings: number;
  readonly errors: number;
}

/** Loads the workspace and renders it in memory. */
export function renderWorkspace(input: WorkspaceInput, opts: RenderOptions = {}, extraCatalog?: Catalog): RenderOutcome {
  const ws = loadWorkspace(input, extraCatalog);
  if (!("bundle" in ws)) return { ok: false, diagnostics: ws.diagnostics };
  const result = renderApps(ws.bundle, ws.components, ws.catalog, ws.environments, ws.cel, opts);
  const diagnostics = [...ws.diagnostics, ...result.diagnostics];
  return { ok: !hasErrors(diagnostics), ws, result, diagnostics };
}

/** Replaces the directory `out` with the rendered tree (`releases/...`, `environments/...`). */
export async function writeRenderedTree(out: string, result: RenderResult, write = writeOutputTree): Promise<void> {
  await write(out, result.files);
}

/** Per environment: components, objects, warnings, errors. */
export function summarizeEnvironments(result: RenderResult): EnvironmentSummary[] {
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
