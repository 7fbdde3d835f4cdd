/**
 * Loading a run's app inputs through the GitHub API: an app repository's `.ferry/` at a commit,
 * checked against the platform (which adapters/github/platform-loader.ts loads).
 */
import type { AppComponent, Catalog, ParsedApp } from "../../renderers/apps.js";
import { catalogKey, checkApps, declaredKeys, parseApp } from "../../renderers/apps.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import type { FileMap } from "../../renderers/load.js";
import type { PlatformBundle } from "../../renderers/platform.js";
import { readFolder } from "../../adapters/github/files.js";
import { unreachable } from "../../adapters/github/platform-loader.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { fullName } from "../../adapters/github/types.js";

/** An app repository's `.ferry/` files at a commit. */
export async function readAppFiles(octokit: GitHub, repo: RepoRef, sha: string, diagnostics: Diagnostic[]): Promise<FileMap> {
  try {
    return (await readFolder(octokit, repo, sha, ".ferry", diagnostics)).files;
  } catch (e) {
    diagnostics.push(unreachable(`.ferry/ at ${sha.slice(0, 12)} of`, repo, e));
    return new Map();
  }
}

/** Loaded components with the catalog to render them against. */
export interface AppInputs {
  readonly components: readonly AppComponent[];
  /** Known components: the environment's (from its release files) overlaid with the app's own. */
  readonly catalog: Catalog;
  /** Repository-relative paths of the app files read (the ones annotations may point at). */
  readonly files: ReadonlySet<string>;
}

/** Checks an app repository's components against the platform (projects must list the repo). */
export function loadAppInputs(bundle: PlatformBundle, repo: RepoRef, sha: string, files: FileMap, known: Catalog, diagnostics: Diagnostic[]): AppInputs {
  return checkAppInputs(bundle, parseApp({ repo: fullName(repo), root: "", files, sha }, diagnostics), known, diagnostics);
}

/** {@link loadAppInputs} on an app repository already parsed. */
export function checkAppInputs(bundle: PlatformBundle, app: ParsedApp, known: Catalog, diagnostics: Diagnostic[]): AppInputs {
  const components = checkApps(bundle, [app], diagnostics, known);
  const catalog = new Map(known);
  for (const c of components) catalog.set(catalogKey(c.release.metadata.project, c.release.metadata.component), c.component);
  return { components, catalog, files: new Set(app.files.keys()) };
}

/**
 * The `project/component` keys an app repository declared in `files` for projects that list it
 * (used to tell which components a change removed). Problems are ignored: only names matter.
 */
export function declaredComponents(bundle: PlatformBundle, repo: RepoRef, files: FileMap): Set<string> {
  return declaredKeys(bundle.platform, parseApp({ repo: fullName(repo), root: "", files }, []));
}
