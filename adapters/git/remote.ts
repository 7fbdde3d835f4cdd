/**
 * A remote target over smart HTTP(S), through its cached clone. Tips come from the server's ref
 * advertisement; objects are fetched (isomorphic-git, incremental: the cached tip is sent as
 * "have") only when a tip is not in the cache yet; updates are receive-pack pushes of exactly the
 * new objects with a compare-and-swap on the branch (protocol.ts). The cache mirrors each branch
 * it has seen as `refs/heads/<branch>` and only ever records tips the server had, so a failed
 * push leaves the cache as it was.
 */
import git from "isomorphic-git";
import type { FsClient, HttpClient } from "isomorphic-git";
import type { Backend, UpdateOutcome } from "./backend.js";
import { GitopsError, errorText } from "./errors.js";
import { writePack } from "./objects.js";
import { discover, httpStatusError, networkCode, networkError, receivePack, requestHeaders } from "./protocol.js";
import type { Advertisement, FetchFn, RemoteEndpoint } from "./protocol.js";
import { gitObjectStore } from "./store.js";

/** What a remote backend needs. */
export interface RemoteOptions {
  readonly fs: FsClient;
  readonly http: HttpClient;
  readonly fetch: FetchFn;
  /** The cached clone's git directory (created). */
  readonly gitdir: string;
  readonly cache: object;
  readonly url: string;
  readonly token: string | undefined;
  readonly timeoutMs: number;
  /** `read` discovers refs through upload-pack (read-only tokens suffice), `write` through receive-pack. */
  readonly mode: "read" | "write";
  /** For messages. */
  readonly branch: string;
}

/** Opens a remote target; see the module comment. */
export function remoteBackend(o: RemoteOptions): Backend {
  const store = gitObjectStore(o.gitdir);
  const ep: RemoteEndpoint = { url: o.url, token: o.token, fetch: o.fetch, timeoutMs: o.timeoutMs, branch: o.branch };
  let adv: Advertisement | null = null;

  const localTip = async (branch: string): Promise<string | null> => {
    try {
      return await git.resolveRef({ fs: o.fs, gitdir: o.gitdir, ref: `refs/heads/${branch}` });
    } catch {
      return null;
    }
  };
  const writeMirror = (branch: string, oid: string) => git.writeRef({ fs: o.fs, gitdir: o.gitdir, ref: `refs/heads/${branch}`, value: oid, force: true });
  // The cache mirrors the server's branches; a mirror of a branch deleted there since can stand in the
  // way of a new one (`…/prod/wave-1` and `…/prod`: a ref cannot be both a file and a folder). The
  // mirror is only a cache: those refs (and their empty folders) are dropped, then it is written.
  const setMirror = async (branch: string, oid: string): Promise<void> => {
    try {
      await writeMirror(branch, oid);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code !== "EISDIR" && code !== "ENOTDIR" && code !== "EEXIST") throw err;
      const heads = await git.listBranches({ fs: o.fs, gitdir: o.gitdir });
      for (const h of heads.filter((h) => h.startsWith(`${branch}/`) || branch.startsWith(`${h}/`))) {
        await git.deleteRef({ fs: o.fs, gitdir: o.gitdir, ref: `refs/heads/${h}` });
      }
      // The folder the branch's ref goes in (its mirrors under it dropped above) is empty now.
      await removeEmptyFolder(o.fs, `${o.gitdir}/refs/heads/${branch}`);
      await writeMirror(branch, oid);
    }
  };

  /** A local ref whose objects the server surely has: the branch itself, or else any mirrored one. */
  const haveRef = async (branch: string, others: readonly string[]): Promise<string> => {
    for (const b of [branch, ...others]) if (await localTip(b)) return `refs/heads/${b}`;
    const heads = await git.listBranches({ fs: o.fs, gitdir: o.gitdir }).catch(() => [] as string[]);
    return heads[0] ? `refs/heads/${heads[0]}` : `refs/heads/${branch}`;
  };

  const fetchBranch = async (branch: string, others: readonly string[]): Promise<string> => {
    try {
      const res = await git.fetch({
        fs: o.fs,
        http: o.http,
        gitdir: o.gitdir,
        cache: o.cache,
        url: o.url,
        ref: await haveRef(branch, others),
        remoteRef: `refs/heads/${branch}`,
        singleBranch: true,
        tags: false,
        headers: requestHeaders(ep),
      });
      if (!res.fetchHead) throw new GitopsError("not-found", o.url, branch, "the branch disappeared while it was being fetched");
      return res.fetchHead;
    } catch (err) {
      throw fetchError(ep, branch, err);
    }
  };

  return {
    repo: o.url,
    store,
    async tips(branches) {
      adv = await discover(ep, o.mode === "write" ? "git-receive-pack" : "git-upload-pack");
      const out = new Map<string, string | null>();
      for (const branch of branches) {
        let tip = adv.refs.get(`refs/heads/${branch}`) ?? null;
        if (tip !== null && !(await store.has(tip))) {
          tip = await fetchBranch(branch, branches);
        }
        if (tip !== null && (await localTip(branch)) !== tip) await setMirror(branch, tip);
        out.set(branch, tip);
      }
      return out;
    },
    async update(branch, oldOid, newOid, objects): Promise<UpdateOutcome> {
      if (!adv) throw new Error("remote backend: update before tips");
      await store.write(objects);
      const ref = `refs/heads/${branch}`;
      const report = await receivePack({ ...ep, branch }, adv, { ref, oldOid, newOid }, writePack(objects));
      if (report.unpack !== "ok") {
        const detail = [report.unpack, ...report.messages].join("; ");
        throw new GitopsError("rejected", o.url, branch, `push rejected: the server could not store the objects (${detail})`);
      }
      const status = report.refs.get(ref);
      if (status === null) {
        await setMirror(branch, newOid);
        return { ok: true };
      }
      return { ok: false, reason: status ?? "the server did not report on the branch", messages: report.messages };
    },
  };
}

/** Maps an isomorphic-git fetch failure to a GitopsError. */
function fetchError(ep: RemoteEndpoint, branch: string, err: unknown): GitopsError {
  if (err instanceof GitopsError) return err;
  const e = err as { code?: unknown; data?: { statusCode?: unknown } };
  if (e.code === "HttpError" && typeof e.data?.statusCode === "number") return httpStatusError({ ...ep, branch }, e.data.statusCode, "read");
  if (networkCode(err)) return networkError({ ...ep, branch }, err);
  return new GitopsError("protocol", ep.url, branch, `fetch failed: ${errorText(err)}`, { cause: err });
}

/** Removes an empty folder through isomorphic-git's file system client (either kind); a failure (not there, not empty) is ignored. */
async function removeEmptyFolder(fs: FsClient, path: string): Promise<void> {
  try {
    if ("promises" in fs) await (fs.promises.rmdir as (p: string) => Promise<void>)(path);
    else await new Promise<void>((resolve) => (fs.rmdir as (p: string, cb: () => void) => void)(path, () => resolve()));
  } catch {
    // not there, or not empty: writing the ref says what is wrong
  }
}
