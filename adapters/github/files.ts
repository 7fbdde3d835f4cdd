/**
 * Reading a folder of a repository at a commit through the GitHub API (git trees and blobs), so
 * the app never needs a checkout of an app repository. Files larger than the YAML limit are not
 * downloaded: they are reported the way the loader reports them.
 */
import { fileError, type Diagnostic } from "../../renderers/diagnostics.js";
import type { FileMap } from "../../renderers/load.js";
import { DEFAULT_YAML_LIMITS } from "../../renderers/yaml.js";
import type { GitHub, RepoRef } from "./types.js";

/** A folder's files at a commit. */
export interface FolderSnapshot {
  /** The commit the files were read at. */
  readonly commit: string;
  /** Repository-relative path → text. */
  readonly files: FileMap;
}

/**
 * Blob texts by repository and blob sha. A blob sha names its content, so an entry never goes
 * stale: a later read of a commit that left a file unchanged downloads nothing for it. Bounded
 * by total size, least recently used first out.
 */
export class BlobCache {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, string>();
  #bytes = 0;

  /** @param maxBytes total text size kept @default 32 MiB */
  constructor(maxBytes = 32 * 1024 * 1024) {
    if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new Error(`BlobCache maxBytes must be a non-negative integer, got ${maxBytes}`);
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(repo: RepoRef, sha: string): string | undefined {
    const key = blobKey(repo, sha);
    const text = this.#entries.get(key);
    if (text !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, text);
    }
    return text;
  }

  set(repo: RepoRef, sha: string, text: string): void {
    const key = blobKey(repo, sha);
    if (text.length > this.#maxBytes || this.#entries.has(key)) return;
    this.#entries.set(key, text);
    this.#bytes += text.length;
    for (const [oldest, old] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.length;
    }
  }
}

function blobKey(repo: RepoRef, sha: string): string {
  return `${repo.owner.toLowerCase()}/${repo.repo.toLowerCase()}@${sha}`;
}

const byClient = new WeakMap<GitHub, BlobCache>();

/**
 * The blob cache of one client: a delivery's installation client reads a file unchanged between
 * two commits (a push's before and after, a pull request's base and head) once. Per client, so
 * installations never share what they read.
 */
export function blobsOf(octokit: GitHub): BlobCache {
  let cache = byClient.get(octokit);
  if (!cache) byClient.set(octokit, (cache = new BlobCache(8 * 1024 * 1024)));
  return cache;
}

/** Options of {@link readFolder}. */
export interface ReadFolderOptions {
  /** Where blob texts are kept between reads. @default the client's own cache ({@link blobsOf}) */
  readonly blobs?: BlobCache;
  /** Include sub-folders. @default false */
  readonly recursive?: boolean;
  /** Only files whose name matches. @default YAML files */
  readonly include?: RegExp;
  /** Largest file downloaded. @default 1 MiB */
  readonly maxBytes?: number;
  /** Parallel blob downloads. @default 8 */
  readonly concurrency?: number;
}

const SHA = /^[0-9a-f]{40}$/;

/** The commit a branch points at (a full sha is returned as it is). */
export async function resolveCommit(octokit: GitHub, repo: RepoRef, ref: string): Promise<string> {
  if (SHA.test(ref)) return ref;
  const { data } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${ref}` });
  return data.object.sha;
}

/** The default branch of a repository. */
export async function defaultBranch(octokit: GitHub, repo: RepoRef): Promise<string> {
  const { data } = await octokit.rest.repos.get({ ...repo });
  return data.default_branch;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Reads the files under `folder` (e.g. `.ferry`) at `ref` (a commit sha or a branch name).
 * A missing folder gives no files. Oversized files and truncated listings are reported in
 * `diagnostics` rather than read partially.
 */
export async function readFolder(
  octokit: GitHub,
  repo: RepoRef,
  ref: string,
  folder: string,
  diagnostics: Diagnostic[],
  opts: ReadFolderOptions = {},
): Promise<FolderSnapshot> {
  const include = opts.include ?? /\.ya?ml$/;
  const maxBytes = opts.maxBytes ?? DEFAULT_YAML_LIMITS.maxBytes;
  const commit = await resolveCommit(octokit, repo, ref);
  const blobs = opts.blobs ?? blobsOf(octokit);
  // GitHub lists a commit's root tree when given the commit itself (`tree_sha` takes any tree-ish): no commit read.
  const entries = await folderEntries(octokit, repo, commit, folder, opts.recursive ?? false, diagnostics);
  const files = new Map<string, string>();
  const wanted = entries.filter((e) => {
    if (!include.test(e.path)) return false;
    if (e.size !== undefined && e.size > maxBytes) {
      diagnostics.push(fileError(e.path, "yaml/too-large", `file is ${e.size} bytes, larger than the ${maxBytes}-byte limit`));
      return false;
    }
    return true;
  });
  const texts = await mapLimit(wanted, opts.concurrency ?? 8, async (e) => {
    const known = blobs.get(repo, e.sha);
    if (known !== undefined) return known;
    const { data } = await octokit.rest.git.getBlob({ ...repo, file_sha: e.sha });
    const text = data.encoding === "base64" ? Buffer.from(data.content, "base64").toString("utf8") : data.content;
    blobs.set(repo, e.sha, text);
    return text;
  });
  wanted.forEach((e, i) => files.set(e.path, texts[i]!));
  return { commit, files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

/** A file of a folder listing: its repository-relative path. */
interface FolderEntry {
  readonly path: string;
  readonly sha: string;
  readonly size?: number;
}

/**
 * The files under `folder` in the tree (or commit) `root`: one recursive listing of the whole tree when
 * GitHub lists it whole (one call, whatever the folder's depth), else a walk down the folder's
 * path and a listing of the folder alone (large repositories).
 */
async function folderEntries(
  octokit: GitHub,
  repo: RepoRef,
  root: string,
  folder: string,
  recursive: boolean,
  diagnostics: Diagnostic[],
): Promise<FolderEntry[]> {
  const prefix = `${folder}/`;
  const { data: whole } = await octokit.rest.git.getTree({ ...repo, tree_sha: root, recursive: "true" });
  if (!whole.truncated) {
    return whole.tree.flatMap((e) =>
      e.type === "blob" && e.path !== undefined && e.sha !== undefined && e.path.startsWith(prefix) && (recursive || !e.path.slice(prefix.length).includes("/"))
        ? [{ path: e.path, sha: e.sha, ...(e.size !== undefined ? { size: e.size } : {}) }]
        : [],
    );
  }
  let treeSha = root;
  for (const segment of folder.split("/").filter(Boolean)) {
    const { data: tree } = await octokit.rest.git.getTree({ ...repo, tree_sha: treeSha });
    const entry = tree.tree.find((e) => e.path === segment && e.type === "tree");
    if (!entry?.sha) return [];
    treeSha = entry.sha;
  }
  const { data: tree } = await octokit.rest.git.getTree({ ...repo, tree_sha: treeSha, ...(recursive ? { recursive: "true" } : {}) });
  if (tree.truncated) {
    diagnostics.push(fileError(folder, "github/truncated", `${folder}/ holds more entries than the GitHub API lists in one tree; split it up`));
  }
  return tree.tree.flatMap((e) =>
    e.type === "blob" && e.path !== undefined && e.sha !== undefined
      ? [{ path: `${prefix}${e.path}`, sha: e.sha, ...(e.size !== undefined ? { size: e.size } : {}) }]
      : [],
  );
}

/** Paths of the files a pull request changes (added, modified, removed or renamed from/to). */
export async function pullRequestFiles(octokit: GitHub, repo: RepoRef, pull_number: number): Promise<string[]> {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...repo, pull_number, per_page: 100 });
  return files.flatMap((f) => (f.previous_filename ? [f.filename, f.previous_filename] : [f.filename]));
}

/** Whether a path is inside an app repository's `.ferry/` folder. */
export function isFerryPath(path: string): boolean {
  return path.startsWith(".ferry/");
}
