/** The components the caller sees, loaded through operations/workspace.ts `loadComponents`, and how lists show them. */
import type { AppComponent } from "../renderers/apps.js";
import type { Diagnostic } from "../renderers/diagnostics.js";
import { sortDiagnostics } from "../renderers/diagnostics.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { loadComponents } from "../operations/workspace.js";
import { seesProject } from "./access.js";
import type { ToolContext } from "./tools/tool.js";
import { appsOfCall, platformDir } from "./workspace.js";

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
  const apps = await appsOfCall(args, context);
  if (apps.visible.length === 0) return { bundle: undefined, components: [], diagnostics: [] };
  const load = loadComponents({ apps: apps.visible.map((a) => a.dir), dependencyApps: apps.hidden.map((a) => a.dir), platform });
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

/**
 * Who may see components known from GitOps or a cluster: a component declared in one of the
 * server's app checkouts belongs to that checkout's repository; any other to its project (seen
 * when any of the project's `repos` is).
 */
export type ComponentSight = (project: string, component: string) => Promise<boolean>;

export async function componentSight(bundle: PlatformBundle, context: ToolContext): Promise<ComponentSight> {
  if (context.access.everything) return async () => true;
  const owners = new Map<string, string>();
  if (context.defaults.apps.length > 0 && context.defaults.platform !== undefined) {
    const load = loadComponents({ apps: [...context.defaults.apps], platform: context.defaults.platform });
    for (const c of load.components) owners.set(key(c), c.repo);
  }
  return async (project, component) => {
    const repo = owners.get(`${project}/${component}`);
    return repo !== undefined ? context.access.seesRepo(repo) : seesProject(context.access, bundle.platform, project);
  };
}
