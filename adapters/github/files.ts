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

/** Options of {@link readFolder}. */
export interface ReadFolderOptions {
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
  const { data: commitData } = await octokit.rest.git.getCommit({ ...repo, commit_sha: commit });
  let treeSha = commitData.tree.sha;
  for (const segment of folder.split("/").filter(Boolean)) {
    const { data: tree } = await octokit.rest.git.getTree({ ...repo, tree_sha: treeSha });
    const entry = tree.tree.find((e) => e.path === segment && e.type === "tree");
    if (!entry?.sha) return { commit, files: new Map() };
    treeSha = entry.sha;
  }
  const { data: tree } = await octokit.rest.git.getTree({ ...repo, tree_sha: treeSha, ...(opts.recursive ? { recursive: "true" } : {}) });
  if (tree.truncated) {
    diagnostics.push(fileError(folder, "github/truncated", `${folder}/ holds more entries than the GitHub API lists in one tree; split it up`));
  }
  const blobs = tree.tree.filter((e) => e.type === "blob" && e.path !== undefined && e.sha !== undefined && include.test(e.path));
  const files = new Map<string, string>();
  const wanted = blobs.filter((e) => {
    const path = `${folder}/${e.path}`;
    if (e.size !== undefined && e.size > maxBytes) {
      diagnostics.push(fileError(path, "yaml/too-large", `file is ${e.size} bytes, larger than the ${maxBytes}-byte limit`));
      return false;
    }
    return true;
  });
  const texts = await mapLimit(wanted, opts.concurrency ?? 8, async (e) => {
    const { data } = await octokit.rest.git.getBlob({ ...repo, file_sha: e.sha! });
    return data.encoding === "base64" ? Buffer.from(data.content, "base64").toString("utf8") : data.content;
  });
  wanted.forEach((e, i) => files.set(`${folder}/${e.path}`, texts[i]!));
  return { commit, files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
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
