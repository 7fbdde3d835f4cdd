/**
 * The one platform loader: the platform from its repository's default branch, through the GitHub
 * API (never from anywhere else: an app repository cannot supply or weaken platform definitions),
 * and the cache that loads it once per platform commit. A delivery asks which commit the default
 * branch is at (two small requests) and reads and builds the platform only for a commit not loaded
 * yet, so deliveries between two platform changes share one load.
 */
import { fileError, type Diagnostic } from "../../renderers/diagnostics.js";
import type { FileMap } from "../../renderers/load.js";
import { loadPlatformSources } from "../../renderers/load.js";
import type { Builtins, PlatformBundle } from "../../renderers/platform.js";
import { buildPlatformBundle } from "../../core/platform-bundle.js";
import { defaultBranch, readFolder, resolveCommit } from "./files.js";
import type { GitHub, RepoRef } from "./types.js";
import { fullName } from "./types.js";

/** The platform as loaded for one run. */
export interface PlatformInputs {
  /** Undefined when the platform has errors (they are in `diagnostics`). */
  readonly bundle: PlatformBundle | undefined;
  /** `owner/name@sha` the platform was read at, when it could be read. */
  readonly source: string | undefined;
  readonly diagnostics: Diagnostic[];
}

/** The diagnostic for a repository (or part of one, `what`) GitHub would not give. */
export function unreachable(what: string, repo: RepoRef, e: unknown): Diagnostic {
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

/** Reads `.ferry/` of the platform repository's default branch and builds the bundle (no cache: see {@link PlatformCache}). */
export async function loadPlatform(octokit: GitHub, platformRepo: RepoRef, builtins: Builtins): Promise<PlatformInputs> {
  let commit: string;
  try {
    commit = await platformCommit(octokit, platformRepo);
  } catch (e) {
    return unreadablePlatform(platformRepo, e);
  }
  return loadPlatformAt(octokit, platformRepo, commit, builtins);
}

/** Loaded platforms by `owner/name@sha`, the most recent few (oldest evicted first). */
export class PlatformCache {
  readonly #capacity: number;
  readonly #loaded = new Map<string, Promise<PlatformInputs>>();

  /** @param capacity how many platform commits are remembered @default 4 */
  constructor(capacity = 4) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`PlatformCache capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
  }

  /** How many platform commits are remembered now. */
  get size(): number {
    return this.#loaded.size;
  }

  /**
   * The platform at the current commit of `repo`'s default branch: loaded on the first ask for that
   * commit, remembered afterwards. A load that could not read the repository is not remembered.
   */
  async read(octokit: GitHub, repo: RepoRef, builtins: Builtins): Promise<PlatformInputs> {
    let commit: string;
    try {
      commit = await platformCommit(octokit, repo);
    } catch (e) {
      return unreadablePlatform(repo, e);
    }
    const key = `${fullName(repo).toLowerCase()}@${commit}`;
    let loading = this.#loaded.get(key);
    if (!loading) {
      loading = loadPlatformAt(octokit, repo, commit, builtins);
      this.#remember(key, loading);
    }
    const forget = () => {
      if (this.#loaded.get(key) === loading) this.#loaded.delete(key);
    };
    const loaded = await loading.catch((e: unknown) => {
      forget();
      throw e;
    });
    if (loaded.source === undefined) forget();
    // Callers add their own findings to the list: each gets a copy.
    return { ...loaded, diagnostics: [...loaded.diagnostics] };
  }

  #remember(key: string, loading: Promise<PlatformInputs>): void {
    this.#loaded.set(key, loading);
    while (this.#loaded.size > this.#capacity) this.#loaded.delete(this.#loaded.keys().next().value!);
  }
}
