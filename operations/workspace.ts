/** Loading the platform and app checkouts an operation works on. */
import { z } from "zod";
import { CelEngine } from "../renderers/cel.js";
import type { Diagnostic } from "../renderers/diagnostics.js";
import { hasErrors } from "../renderers/diagnostics.js";
import { catalogKey, loadApps } from "../renderers/apps.js";
import type { AppComponent, Catalog } from "../renderers/apps.js";
import { loadPlatformSources } from "../renderers/load.js";
import type { Environment } from "../renderers/model/index.js";
import { buildPlatformBundle } from "../core/platform-bundle.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { loadBuiltins } from "../templates/index.js";
import { findAppDirs, readFerryFiles, repoOf } from "../adapters/fs/files.js";
import { UsageError } from "./errors.js";

export interface Workspace {
  readonly bundle: PlatformBundle;
  readonly components: readonly AppComponent[];
  readonly catalog: Catalog;
  readonly environments: readonly Environment[];
  readonly cel: CelEngine;
  readonly diagnostics: Diagnostic[];
}

/** The checkouts to load: app directories, the platform, and which environments. */
export const WorkspaceInput = z.object({
  apps: z.array(z.string()).describe("app checkouts holding .ferry/, or directories with apps up to two levels below; none: the current directory"),
  platform: z.string().describe("platform repository checkout (holds .ferry/platform.yaml)"),
  repo: z.string().optional().describe("owner/name of the app (one app directory only); default: its git origin, else its last two path segments"),
  envs: z.array(z.string()).optional().describe("only these environments; default all"),
  dependencyApps: z
    .array(z.string())
    .optional()
    .describe("app checkouts whose components only resolve dependencies: neither reported nor rendered (what a caller may not see)"),
});
export type WorkspaceInput = Readonly<z.infer<typeof WorkspaceInput>>;

/** A platform checkout loaded with the built-ins: no bundle when it has errors (they are in `diagnostics`). */
export interface PlatformLoad {
  readonly bundle: PlatformBundle | undefined;
  readonly diagnostics: Diagnostic[];
}

/** Loads a platform checkout with the built-ins; undefined (and errors in `diagnostics`) when it has errors. */
export function loadPlatformDir(dir: string, diagnostics: Diagnostic[]): PlatformBundle | undefined {
  return buildPlatformBundle(loadPlatformSources(dir, readFerryFiles(dir), diagnostics), loadBuiltins(), diagnostics);
}

/** Loads a platform checkout with the built-ins, for the operations that need only the platform. */
export function loadPlatform(dir: string): PlatformLoad {
  const diagnostics: Diagnostic[] = [];
  const bundle = loadPlatformDir(dir, diagnostics);
  return { bundle, diagnostics };
}

/** The environments named, in the platform's order (all when none); unknown names are a usage error. */
export function selectEnvironments(all: readonly Environment[], wanted: readonly string[]): Environment[] {
  const unknown = wanted.filter((e) => !all.some((x) => x.name === e));
  if (unknown.length > 0) throw new UsageError(`unknown environment ${unknown.join(", ")}; the platform has ${all.map((e) => e.name).join(", ")}`);
  return wanted.length === 0 ? [...all] : all.filter((e) => wanted.includes(e.name));
}

/** The components that loaded, with every diagnostic: components with errors are left out, the rest kept. */
export interface ComponentsLoad {
  readonly bundle: PlatformBundle | undefined;
  readonly components: readonly AppComponent[];
  readonly diagnostics: Diagnostic[];
}

/** Loads the platform and the app checkouts, keeping every component that loaded even when others have errors. */
export function loadComponents(input: WorkspaceInput, extraCatalog: Catalog = new Map()): ComponentsLoad & { readonly catalog: Catalog } {
  const diagnostics: Diagnostic[] = [];
  const bundle = loadPlatformDir(input.platform, diagnostics);
  const dirs = findAppDirs(input.apps.length > 0 ? input.apps : ["."]);
  if (input.repo && dirs.length > 1) throw new UsageError("--repo can only be used with a single app directory");
  if (!bundle) return { bundle, components: [], diagnostics, catalog: new Map() };
  const source = (dir: string) => ({ repo: repoOf(dir, input.repo), root: dir, files: readFerryFiles(dir) });
  // Components only depended on: their own problems are not the caller's to see.
  const others = (input.dependencyApps ?? []).length > 0 ? loadApps(bundle, findAppDirs(input.dependencyApps ?? []).map(source), []) : [];
  const extra = new Map([...extraCatalog, ...catalogOf(others)]);
  const components = loadApps(bundle, dirs.map(source), diagnostics, extra);
  return { bundle, components, diagnostics, catalog: new Map([...extra, ...catalogOf(components)]) };
}

function catalogOf(components: readonly AppComponent[]): Map<string, AppComponent["component"]> {
  return new Map(components.map((c) => [catalogKey(c.release.metadata.project, c.release.metadata.component), c.component]));
}

/**
 * Loads everything; returns the diagnostics in place of a workspace when inputs have errors.
 * `extraCatalog` holds components of other repositories that dependencies may point at.
 */
export function loadWorkspace(input: WorkspaceInput, extraCatalog: Catalog = new Map()): Workspace | { diagnostics: Diagnostic[] } {
  const { bundle, components, diagnostics, catalog } = loadComponents(input, extraCatalog);
  if (!bundle) {
    return { diagnostics };
  }
  const environments = selectEnvironments(bundle.platform.spec.environments, input.envs ?? []);
  if (hasErrors(diagnostics)) return { diagnostics };
  return {
    bundle,
    components,
    catalog,
    environments,
    cel: new CelEngine(),
    diagnostics,
  };
}
