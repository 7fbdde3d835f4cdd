/**
 * Loading a run's inputs through the GitHub API: the platform from the platform repository's
 * default branch (never from anywhere else: an app repository cannot supply or weaken platform
 * definitions), and an app repository's `.ferry/` at a commit.
 */
import type { AppComponent, Catalog, ParsedApp } from "../../renderers/apps.js";
import { catalogKey, checkApps, declaredKeys, parseApp } from "../../renderers/apps.js";
import { fileError, type Diagnostic } from "../../renderers/diagnostics.js";
import type { FileMap } from "../../renderers/load.js";
import { loadPlatformSources } from "../../renderers/load.js";
import type { Builtins, PlatformBundle } from "../../renderers/platform.js";
import { buildPlatformBundle } from "../../core/platform.js";
import { defaultBranch, readFolder, resolveCommit } from "../../adapters/github/files.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { fullName } from "../../adapters/github/types.js";

/** The platform as loaded for one run. */
export interface PlatformInputs {
  /** Undefined when the platform has errors (they are in `diagnostics`). */
  readonly bundle: PlatformBundle | undefined;
  /** `owner/name@sha` the platform was read at, when it could be read. */
  readonly source: string | undefined;
  readonly diagnostics: Diagnostic[];
}

function unreachable(what: string, repo: RepoRef, e: unknown): Diagnostic {
  const code = (e as { status?: unknown } | null)?.status;
  const status = typeof code === "number" ? ` (HTTP ${code})` : "";
  const reason = e instanceof Error ? e.message.split("\n")[0] : String(e);
  return fileError(fullName(repo), "github/unreachable", `cannot read ${what} ${fullName(repo)}${status}: ${reason}. Is the app installed on it?`);
}

/** The commit the platform repository's default branch is at now. */
export async function platformCommit(octokit: GitHub, platformRepo: RepoRef): Promise<string> {
  return resolveCommit(octokit, platformRepo, await defaultBranch(octokit, platformRepo));
}

/** The platform when its repository cannot be read. */
export function unreadablePlatform(platformRepo: RepoRef, e: unknown): PlatformInputs {
  return { bundle: undefined, source: undefined, diagnostics: [unreachable("the platform repository", platformRepo, e)] };
}

/** Reads `.ferry/` of the platform repository at `commit` and builds the bundle. */
export async function loadPlatformAt(octokit: GitHub, platformRepo: RepoRef, commit: string, builtins: Builtins): Promise<PlatformInputs> {
  const diagnostics: Diagnostic[] = [];
  let files: FileMap;
  try {
    files = (await readFolder(octokit, platformRepo, commit, ".ferry", diagnostics, { recursive: true })).files;
  } catch (e) {
    return unreadablePlatform(platformRepo, e);
  }
  const sources = loadPlatformSources(fullName(platformRepo), files, diagnostics);
  const bundle = buildPlatformBundle(sources, builtins, diagnostics);
  return { bundle, source: `${fullName(platformRepo)}@${commit}`, diagnostics };
}

/** Reads `.ferry/` of the platform repository's default branch and builds the bundle. */
export async function loadPlatform(octokit: GitHub, platformRepo: RepoRef, builtins: Builtins): Promise<PlatformInputs> {
  let commit: string;
  try {
    commit = await platformCommit(octokit, platformRepo);
  } catch (e) {
    return unreadablePlatform(platformRepo, e);
  }
  return loadPlatformAt(octokit, platformRepo, commit, builtins);
}

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
