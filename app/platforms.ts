/**
 * The platform as the app holds it: loaded once per platform commit. A delivery asks which commit
 * the platform repository's default branch is at (two small requests) and reads and builds the
 * platform only for a commit not loaded yet, so deliveries between two platform changes share one
 * load.
 */
import type { Builtins } from "../renderers/platform.js";
import type { GitHub, RepoRef } from "../adapters/github/types.js";
import { fullName } from "../adapters/github/types.js";
import type { PlatformInputs } from "./release/inputs.js";
import { loadPlatformAt, platformCommit, unreadablePlatform } from "./release/inputs.js";

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
