/**
 * A target that is a repository on this machine (bare, or a work tree with `.git`). Ferry writes
 * the new objects straight into its object store and moves the branch with git's own lock-file
 * protocol (`refs/heads/<branch>.lock` created exclusively, old value checked under the lock,
 * then renamed into place), so concurrent Ferry runs and concurrent `git` commands see a real
 * compare-and-swap. No clone cache: the repository is already local, and going through a cache
 * would need a second object store and a push that isomorphic-git cannot do to a path.
 *
 * When the branch is checked out in a work tree, Ferry behaves like git's
 * `receive.denyCurrentBranch=updateInstead`: it refuses if the touched directories have
 * uncommitted changes, and afterwards updates those directories (work tree and index) only.
 */
import { appendFile, mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import git from "isomorphic-git";
import type { FsClient } from "isomorphic-git";
import type { Backend, UpdateOutcome } from "./backend.js";
import { GitopsError } from "./errors.js";
import { ZERO_OID } from "./objects.js";
import { gitObjectStore } from "./store.js";

/** Where a local repository keeps its git data, and its work tree if it has one. */
export interface LocalRepo {
  readonly gitdir: string;
  readonly workdir: string | null;
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** Finds the git directory of `repoPath` (work tree with `.git` dir or file, or bare repository). */
export async function findLocalRepo(repoPath: string, branch: string | undefined): Promise<LocalRepo> {
  if (!(await exists(repoPath))) throw new GitopsError("not-found", repoPath, branch, "no such directory");
  const dotgit = path.join(repoPath, ".git");
  let found: LocalRepo | null = null;
  const st = await stat(dotgit).catch(() => null);
  if (st?.isDirectory()) found = { gitdir: dotgit, workdir: repoPath };
  else if (st?.isFile()) {
    const m = /^gitdir:\s*(.+)$/m.exec(await readFile(dotgit, "utf8"));
    if (m?.[1]) found = { gitdir: path.resolve(repoPath, m[1].trim()), workdir: repoPath };
  } else if ((await exists(path.join(repoPath, "HEAD"))) && (await exists(path.join(repoPath, "objects")))) {
    found = { gitdir: repoPath, workdir: null };
  }
  if (!found) throw new GitopsError("not-found", repoPath, branch, "not a git repository (no .git, and not a bare repository)");
  if (await exists(path.join(found.gitdir, "commondir"))) {
    throw new GitopsError("invalid", repoPath, branch, "linked work trees are not supported: point at the main repository or a bare one");
  }
  return found;
}

/** The branch HEAD points at, or null (detached, or unreadable). */
async function headBranch(gitdir: string): Promise<string | null> {
  const head = await readFile(path.join(gitdir, "HEAD"), "utf8").catch(() => "");
  const m = /^ref: refs\/heads\/(.+)$/m.exec(head.trim());
  return m?.[1] ?? null;
}

/** What a local backend needs. */
export interface LocalOptions {
  readonly fs: FsClient;
  readonly repo: LocalRepo;
  /** As given (absolute), for messages. */
  readonly path: string;
  readonly cache: object;
  /** Reflog identity and time. */
  readonly ident: { readonly name: string; readonly email: string; readonly now: () => Date };
}

/** Opens a local target; see the module comment. */
export function localBackend(o: LocalOptions): Backend {
  const { fs, cache } = o;
  const { gitdir, workdir } = o.repo;
  const store = gitObjectStore(gitdir);

  const resolve = async (branch: string): Promise<string | null> => {
    try {
      return await git.resolveRef({ fs, gitdir, ref: `refs/heads/${branch}` });
    } catch {
      return null;
    }
  };

  const assertClean = async (branch: string, dirs: readonly string[]) => {
    if (!workdir) return;
    const rows = await git.statusMatrix({ fs, dir: workdir, gitdir, filepaths: [...dirs], cache });
    const dirty = rows.filter(([, h, w, s]) => !(h === 1 && w === 1 && s === 1)).map(([f]) => f);
    if (dirty.length > 0) {
      const list = dirty.slice(0, 5).join(", ") + (dirty.length > 5 ? `, and ${dirty.length - 5} more` : "");
      throw new GitopsError(
        "invalid",
        o.path,
        branch,
        `the branch is checked out and the work tree has uncommitted changes where Ferry writes: ${list}; commit or discard them first`,
      );
    }
  };

  /** git's lock-file compare-and-swap on `refs/heads/<branch>`. */
  const compareAndSwap = async (branch: string, oldOid: string | null, newOid: string): Promise<boolean> => {
    const refFile = path.join(gitdir, "refs", "heads", ...branch.split("/"));
    const lockFile = `${refFile}.lock`;
    await mkdir(path.dirname(refFile), { recursive: true });
    let fh;
    try {
      fh = await open(lockFile, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw err;
    }
    let renamed = false;
    try {
      if ((await resolve(branch)) !== oldOid) return false;
      await fh.writeFile(`${newOid}\n`);
      await fh.sync();
      await fh.close();
      fh = null;
      await rename(lockFile, refFile);
      renamed = true;
    } finally {
      await fh?.close();
      if (!renamed) await rm(lockFile, { force: true });
    }
    const log = path.join(gitdir, "logs", "refs", "heads", ...branch.split("/"));
    if (await exists(log)) {
      const when = Math.floor(o.ident.now().getTime() / 1000);
      await appendFile(log, `${oldOid ?? ZERO_OID} ${newOid} ${o.ident.name} <${o.ident.email}> ${when} +0000\tferry: publish\n`);
    }
    return true;
  };

  return {
    repo: o.path,
    store,
    async tips(branches) {
      const out = new Map<string, string | null>();
      for (const b of branches) out.set(b, await resolve(b));
      return out;
    },
    async update(branch, oldOid, newOid, objects, dirs): Promise<UpdateOutcome> {
      const checkedOut = workdir !== null && (await headBranch(gitdir)) === branch;
      if (checkedOut) await assertClean(branch, dirs);
      await store.write(objects);
      if (!(await compareAndSwap(branch, oldOid, newOid))) {
        return { ok: false, reason: "failed to update ref: the branch moved or is locked", messages: [] };
      }
      if (checkedOut && workdir) {
        await git.checkout({ fs, dir: workdir, gitdir, ref: branch, filepaths: [...dirs], force: true, noUpdateHead: true, cache });
      }
      return { ok: true };
    },
  };
}
