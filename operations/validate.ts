/** Validate: load, check and render in memory, and report every problem; nothing is written. */
import type { Diagnostic } from "../renderers/diagnostics.js";
import { sortDiagnostics } from "../renderers/diagnostics.js";
import type { EnvironmentSummary } from "./render.js";
import { renderWorkspace, summarizeEnvironments } from "./render.js";
import type { WorkspaceInput } from "./workspace.js";

export interface ValidateReport {
  /** No diagnostic is an error. */
  readonly ok: boolean;
  /** Every diagnostic, sorted by file and position. */
  readonly diagnostics: Diagnostic[];
  /** Per environment rendered; none when the inputs did not load. */
  readonly environments: EnvironmentSummary[];
  /** Components rendered; 0 when the inputs did not load. */
  readonly components: number;
}

export function validateWorkspace(input: WorkspaceInput): ValidateReport {
  // Every check of a render runs; only the YAML text of the files, which nobody reads here, is left out.
  const r = renderWorkspace(input, { serialize: false });
  const rendered = "result" in r ? r.result : undefined;
  return {
    ok: r.ok,
    diagnostics: sortDiagnostics(r.diagnostics),
    environments: rendered ? summarizeEnvironments(rendered) : [],
    components: rendered ? rendered.releases.length : 0,
  };
}
