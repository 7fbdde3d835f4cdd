/** Loading the platform and app checkouts named on the command line. */
import { CelEngine } from "../renderers/cel.js";
import type { Diagnostic } from "../renderers/diagnostics.js";
import { formatDiagnostic, hasErrors, sortDiagnostics } from "../renderers/diagnostics.js";
import { catalogKey, loadApps } from "../renderers/apps.js";
import type { AppComponent, Catalog } from "../renderers/apps.js";
import { loadPlatformSources } from "../renderers/load.js";
import type { Environment } from "../renderers/model/index.js";
import { buildPlatformBundle } from "../core/platform.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { loadBuiltins } from "../templates/index.js";
import { findAppDirs, readFerryFiles, repoOf } from "../adapters/fs/files.js";
import type { CliIo } from "../cli/io.js";
import { UsageError } from "../cli/io.js";

export interface Workspace {
  readonly bundle: PlatformBundle;
  readonly components: readonly AppComponent[];
  readonly catalog: Catalog;
  readonly environments: readonly Environment[];
  readonly cel: CelEngine;
  readonly diagnostics: Diagnostic[];
}

export interface WorkspaceOptions {
  readonly apps: readonly string[];
  readonly platform: string;
  readonly repo?: string;
  readonly envs?: readonly string[];
}

/** Loads a platform checkout with the built-ins; undefined (and errors in `diagnostics`) when it has errors. */
export function loadPlatformDir(dir: string, diagnostics: Diagnostic[]): PlatformBundle | undefined {
  return buildPlatformBundle(loadPlatformSources(dir, readFerryFiles(dir), diagnostics), loadBuiltins(), diagnostics);
}

/**
 * Loads the platform checkout for a command that needs only the platform: prints its
 * diagnostics, and says which command stopped when it has errors (undefined then).
 */
export function loadPlatformForCommand(io: CliIo, command: string, dir: string): PlatformBundle | undefined {
  const diagnostics: Diagnostic[] = [];
  const bundle = loadPlatformDir(dir, diagnostics);
  printDiagnostics(io, diagnostics);
  if (!bundle) io.stderr(`ferry ${command}: the platform has errors\n`);
  return bundle;
}

/** The environments `--env` names, in the platform's order (all when none); unknown names are a usage error. */
export function selectEnvironments(all: readonly Environment[], wanted: readonly string[]): Environment[] {
  const unknown = wanted.filter((e) => !all.some((x) => x.name === e));
  if (unknown.length > 0) throw new UsageError(`unknown environment ${unknown.join(", ")}; the platform has ${all.map((e) => e.name).join(", ")}`);
  return wanted.length === 0 ? [...all] : all.filter((e) => wanted.includes(e.name));
}

/** Loads everything; returns the diagnostics in place of a workspace when inputs have errors. */
export function loadWorkspace(opts: WorkspaceOptions): Workspace | { diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const bundle = loadPlatformDir(opts.platform, diagnostics);
  const dirs = findAppDirs(opts.apps.length > 0 ? opts.apps : ["."]);
  if (opts.repo && dirs.length > 1) throw new UsageError("--repo can only be used with a single app directory");
  if (!bundle) {
    return { diagnostics };
  }
  const apps = dirs.map((dir) => ({ repo: repoOf(dir, opts.repo), root: dir, files: readFerryFiles(dir) }));
  const components = loadApps(bundle, apps, diagnostics);
  const environments = selectEnvironments(bundle.platform.spec.environments, opts.envs ?? []);
  const catalog = new Map(components.map((c) => [catalogKey(c.release.metadata.project, c.release.metadata.component), c.component]));
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

/** Prints diagnostics, errors last so they stay on screen. */
export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  const sorted = sortDiagnostics(diagnostics);
  for (const d of sorted.filter((x) => x.severity === "warning")) io.stderr(`${formatDiagnostic(d)}\n`);
  for (const d of sorted.filter((x) => x.severity === "error")) io.stderr(`${formatDiagnostic(d)}\n`);
}
