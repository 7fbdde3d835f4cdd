/** Validate: load, check and render in memory, and report every problem; nothing is written. */
import { catalogKey } from "../renderers/apps.js";
import type { Catalog } from "../renderers/apps.js";
import type { Diagnostic } from "../renderers/diagnostics.js";
import { hasErrors, sortDiagnostics } from "../renderers/diagnostics.js";
import { computeImpact, impactDiagnostics } from "../core/impact.js";
import type { EnvironmentSummary } from "./render.js";
import { renderWorkspace, summarizeEnvironments } from "./render.js";
import type { WorkspaceInput } from "./workspace.js";
import { readChangeSides } from "./impact.js";

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

/** What validate checks a change against: the apps before it (see `operations/impact.ts`). @default nothing */
export interface ValidateOptions {
  readonly against?: string;
}

/**
 * Validates the workspace. With `against`, the other repositories' components there are known
 * to dependencies, and removing, renaming or hiding an endpoint one of them consumes is an error.
 */
export function validateWorkspace(input: WorkspaceInput, opts: ValidateOptions = {}): ValidateReport {
  const impactErrors: Diagnostic[] = [];
  let others: Catalog = new Map();
  if (opts.against !== undefined) {
    const { before, after } = readChangeSides(input.apps, opts.against, input.repo, []);
    const mine = new Set(after.filter((c) => !before.includes(c)).map((c) => (c.repo ?? "").toLowerCase()));
    others = new Map(
      after
        .filter((c) => !mine.has((c.repo ?? "").toLowerCase()))
        .map((c) => [catalogKey(c.component.metadata.project, c.component.metadata.name), c.component]),
    );
    impactErrors.push(...impactDiagnostics(computeImpact(before, after), after));
  }
  // Every check of a render runs; only the YAML text of the files, which nobody reads here, is left out.
  const r = renderWorkspace(input, { serialize: false }, others);
  const rendered = "result" in r ? r.result : undefined;
  const diagnostics = [...r.diagnostics, ...impactErrors];
  return {
    ok: !hasErrors(diagnostics),
    diagnostics: sortDiagnostics(diagnostics),
    environments: rendered ? summarizeEnvironments(rendered) : [],
    components: rendered ? rendered.releases.length : 0,
  };
}
