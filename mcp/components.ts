/** The components the caller sees, loaded through operations/workspace.ts `loadComponents`, and how lists show them. */
import type { AppComponent } from "../renderers/apps.js";
import type { Diagnostic } from "../renderers/diagnostics.js";
import { sortDiagnostics } from "../renderers/diagnostics.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { loadComponents } from "../operations/workspace.js";
import type { ToolContext } from "./tools/tool.js";
import { platformDir, visibleApps } from "./workspace.js";

export interface VisibleComponents {
  readonly bundle: PlatformBundle | undefined;
  /** Sorted by project, then name. */
  readonly components: readonly AppComponent[];
  readonly diagnostics: Diagnostic[];
}

/** Loads the app checkouts the caller sees (components with errors left out, their diagnostics kept). */
export async function visibleComponents(
  args: { readonly apps?: readonly string[]; readonly platform?: string },
  context: ToolContext,
): Promise<VisibleComponents> {
  const platform = platformDir(args, context);
  const apps = await visibleApps(args, context);
  if (apps.length === 0) return { bundle: undefined, components: [], diagnostics: [] };
  const load = loadComponents({ apps: apps.map((a) => a.dir), platform });
  const components = [...load.components].sort((a, b) => key(a).localeCompare(key(b)));
  return { bundle: load.bundle, components, diagnostics: sortDiagnostics(load.diagnostics) };
}

export function key(c: AppComponent): string {
  return `${c.component.metadata.project}/${c.component.metadata.name}`;
}

export function summary(c: AppComponent) {
  return {
    project: c.component.metadata.project,
    name: c.component.metadata.name,
    repo: c.repo,
    type: c.component.spec.type,
    file: c.source.file,
    release: c.release.metadata.name,
  };
}
