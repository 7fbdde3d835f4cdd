/** App checkouts read as components with where each is declared, for the graph and impact operations. */
import { locatorFor, parseApp } from "../renderers/apps.js";
import type { Diagnostic } from "../renderers/diagnostics.js";
import type { ImpactComponent } from "../core/impact.js";
import { findAppDirs, readFerryFiles, repoOf } from "../adapters/fs/files.js";
import { UsageError } from "./errors.js";

/** The components of app checkouts as written (shape-checked only), each with its repository and file. */
export function readAppComponents(args: readonly string[], repo: string | undefined, diagnostics: Diagnostic[]): ImpactComponent[] {
  const dirs = findAppDirs(args.length > 0 ? args : ["."]);
  if (repo && dirs.length > 1) throw new UsageError("--repo can only be used with a single app directory");
  return dirs.flatMap((dir) => {
    const app = parseApp({ repo: repoOf(dir, repo), root: dir, files: readFerryFiles(dir) }, diagnostics);
    return app.components.map((c) => ({ component: c.value, repo: app.repo, file: c.source.file, locate: locatorFor(c.source) }));
  });
}

/**
 * The components after a change: the repositories of `before` replaced by those `after` holds
 * (compared case-insensitively); repositories only `before` holds stay as they were.
 */
export function overlayRepositories(before: readonly ImpactComponent[], after: readonly ImpactComponent[]): ImpactComponent[] {
  const changed = new Set(after.map((c) => (c.repo ?? "").toLowerCase()));
  return [...after, ...before.filter((c) => !changed.has((c.repo ?? "").toLowerCase()))];
}
