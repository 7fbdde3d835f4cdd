/**
 * Reading a GitOps target: the files an environment holds now (what a preview diffs against) and
 * the history of a path with its Ferry trailers (what `ferry history` lists).
 */
import type { GitopsDeps } from "./gitops-deps.js";
import { resolveGitopsDeps } from "./gitops-deps.js";
import { parseCommitMessage } from "../../core/gitops/trailers.js";
import { isTreeMode } from "./objects.js";
import { ReadFilesRequest, ReadHistoryRequest, parseRequest } from "./schema.js";
import type { CommitInfo, ObjectStore } from "./store.js";
import { FERRY_AUTHOR, withBackend } from "./target.js";
import { GitopsError } from "./errors.js";

/** The entry at `path` under the tree `root`, or null. */
async function entryAt(store: ObjectStore, root: string, path: string): Promise<{ oid: string; dir: boolean } | null> {
  let current = { oid: root, dir: true };
  for (const seg of path.split("/")) {
    if (!current.dir) return null;
    const item = (await store.readTree(current.oid)).find((e) => e.name === seg);
    if (!item || item.mode === "160000") return null;
    current = { oid: item.oid, dir: isTreeMode(item.mode) };
  }
  return current;
}

/** What {@link readFiles} found. */
export interface ReadFilesResult {
  /** The branch tip read, or null when the branch (or repository) is empty. */
  readonly commit: string | null;
  /** Repository-relative path → UTF-8 text, sorted by path; missing paths are simply absent. */
  readonly files: ReadonlyMap<string, string>;
}

/** Reads the files at or under `paths` at the tip of the target branch (or at `commit`). Throws GitopsError. */
export async function readFiles(input: ReadFilesRequest, deps: Partial<GitopsDeps> = {}): Promise<ReadFilesResult> {
  const d = resolveGitopsDeps(deps);
  const req = parseRequest(ReadFilesRequest, input, "read request");
  return withBackend(req.target, { cacheDir: req.cacheDir, mode: "read", ident: FERRY_AUTHOR }, d, async (backend) => {
    const branchTip = (await backend.tips([req.target.branch])).get(req.target.branch) ?? null;
    const out: [string, string][] = [];
    const store = backend.store;
    if (req.commit !== undefined && req.commit !== branchTip && !(await store.has(req.commit))) {
      throw new GitopsError(
        "not-found",
        backend.repo,
        req.target.branch,
        `commit ${req.commit} is not on branch ${req.target.branch} (or was force-pushed away)`,
      );
    }
    const tip = req.commit ?? branchTip;
    if (tip === null) return { commit: null, files: new Map() };
    const root = (await store.readCommit(tip)).tree;
    const decoder = new TextDecoder();
    const collect = async (prefix: string, oid: string, dir: boolean): Promise<void> => {
      if (!dir) {
        out.push([prefix, decoder.decode(await store.readBlob(oid))]);
        return;
      }
      const items = (await store.readTree(oid)).filter((item) => item.mode !== "160000");
      await Promise.all(items.map((item) => collect(`${prefix}/${item.name}`, item.oid, isTreeMode(item.mode))));
    };
    for (const p of new Set(req.paths)) {
      const entry = await entryAt(store, root, p);
      if (entry) await collect(p, entry.oid, entry.dir);
    }
    const files = new Map([...new Map(out)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return { commit: tip, files };
  });
}

/** A person and when, as a commit records them. */
export interface HistoryPerson {
  readonly name: string;
  readonly email: string;
  /** ISO 8601, UTC. */
  readonly date: string;
}

/** One commit of a path's history. */
export interface HistoryEntry {
  readonly commit: string;
  readonly parents: readonly string[];
  readonly subject: string;
  /** The message between subject and trailers. */
  readonly body: string;
  /** Trailer values by key (`Ferry-Release`, `Ferry-Source`, `Ferry-Environment`, `Ferry-Approved-By`...). */
  readonly trailers: Readonly<Record<string, readonly string[]>>;
  readonly author: HistoryPerson;
  readonly committer: HistoryPerson;
}

function person(p: CommitInfo["author"]): HistoryPerson {
  return { name: p.name, email: p.email, date: new Date(p.timestamp * 1000).toISOString() };
}

/**
 * The commits of the target branch that changed `path` (every commit without one), newest first,
 * like `git log -- <path>`: a merge that kept one parent's version of the path is skipped and only
 * that parent followed. Throws GitopsError.
 */
export async function readHistory(input: ReadHistoryRequest, deps: Partial<GitopsDeps> = {}): Promise<HistoryEntry[]> {
  const d = resolveGitopsDeps(deps);
  const req = parseRequest(ReadHistoryRequest, input, "history request");
  const limit = req.limit ?? 50;
  return withBackend(req.target, { cacheDir: req.cacheDir, mode: "read", ident: FERRY_AUTHOR }, d, async (backend) => {
    const tip = (await backend.tips([req.target.branch])).get(req.target.branch) ?? null;
    if (tip === null) return [];
    const store = backend.store;
    const commits = new Map<string, CommitInfo>();
    const commitOf = async (oid: string) => {
      let c = commits.get(oid);
      if (!c) commits.set(oid, (c = await store.readCommit(oid)));
      return c;
    };
    const atPath = new Map<string, string | null>();
    const pathOid = async (c: CommitInfo): Promise<string | null> => {
      if (req.path === undefined) return null;
      if (!atPath.has(c.tree)) atPath.set(c.tree, (await entryAt(store, c.tree, req.path))?.oid ?? null);
      return atPath.get(c.tree) ?? null;
    };

    const out: HistoryEntry[] = [];
    const seen = new Set<string>([tip]);
    const queue: CommitInfo[] = [await commitOf(tip)];
    const enqueue = async (oids: readonly string[]) => {
      for (const oid of oids) {
        if (seen.has(oid)) continue;
        seen.add(oid);
        queue.push(await commitOf(oid));
      }
      queue.sort((a, b) => a.committer.timestamp - b.committer.timestamp || (a.oid < b.oid ? -1 : 1));
    };
    while (queue.length > 0 && out.length < limit) {
      const c = queue.pop() as CommitInfo;
      let include = true;
      let follow = c.parents;
      if (req.path !== undefined) {
        const mine = await pathOid(c);
        const parents = await Promise.all(c.parents.map(commitOf));
        const same: string[] = [];
        for (const p of parents) if ((await pathOid(p)) === mine) same.push(p.oid);
        if (c.parents.length === 0) include = mine !== null;
        else if (same[0] !== undefined) {
          include = false;
          follow = [same[0]];
        }
      }
      if (include) {
        const parsed = parseCommitMessage(c.message);
        out.push({
          commit: c.oid,
          parents: c.parents,
          subject: parsed.subject,
          body: parsed.body,
          trailers: parsed.trailers,
          author: person(c.author),
          committer: person(c.committer),
        });
      }
      await enqueue(follow);
    }
    return out;
  });
}
