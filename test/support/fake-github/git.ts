/**
 * Git plumbing for the fake GitHub: every repository the fake serves is a real bare repository
 * (its own temporary one, or one a test's git server serves), read and written with the git CLI.
 * So contents, trees, blobs, commits, compares, pull request diffs and merges are what git says,
 * with real object ids, and a push through the git server is visible to the API at once.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A failed git command, with its arguments and stderr. */
export class GitCommandError extends Error {
  readonly code: number | null;
  readonly stderr: string;
  constructor(args: readonly string[], code: number | null, stderr: string) {
    super(`git ${args.join(" ")} exited with ${code}: ${stderr.trim()}`);
    this.code = code;
    this.stderr = stderr;
  }
}

/** Author or committer of a commit. */
export interface GitIdentity {
  readonly name: string;
  readonly email: string;
  /** ISO 8601 with offset, as `git log --format=%aI` prints it. */
  readonly date: string;
}

/** A commit as git stores it. */
export interface GitCommit {
  readonly sha: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: GitIdentity;
  readonly committer: GitIdentity;
  readonly message: string;
}

/** One entry of `git ls-tree -l`. */
export interface GitTreeEntry {
  readonly mode: string;
  readonly type: "blob" | "tree" | "commit";
  readonly sha: string;
  /** Size in bytes for blobs, `undefined` otherwise. */
  readonly size: number | undefined;
  readonly path: string;
}

/** One changed file between two commits. */
export interface GitFileChange {
  readonly path: string;
  readonly status: "added" | "modified" | "removed";
  readonly oldSha: string;
  readonly newSha: string;
  /** `undefined` for binary files. */
  readonly additions: number | undefined;
  readonly deletions: number | undefined;
  /** The hunks (from the first `@@`), `undefined` for binary files. */
  readonly patch: string | undefined;
}

/** Content of a file to commit; `null` deletes the path. */
export type FileContent = string | Buffer | null;

/** Options of {@link GitRepo.writeCommit}. */
export interface WriteCommitOptions {
  /** Parent commits; the first one's tree is the starting point. @default [] (a root commit) */
  readonly parents?: readonly string[];
  /** Files to add, replace (content) or delete (`null`), by repository-relative path. */
  readonly files: Readonly<Record<string, FileContent>>;
  readonly message: string;
  readonly author: GitIdentity;
  /** @default the author */
  readonly committer?: GitIdentity;
}

const ZERO_SHA = "0000000000000000000000000000000000000000";
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

function gitDateEnv(prefix: "AUTHOR" | "COMMITTER", who: GitIdentity): Record<string, string> {
  return {
    [`GIT_${prefix}_NAME`]: who.name,
    [`GIT_${prefix}_EMAIL`]: who.email,
    [`GIT_${prefix}_DATE`]: who.date,
  };
}

/** A bare repository driven through the git CLI. */
export class GitRepo {
  readonly gitDir: string;
  readonly #env: NodeJS.ProcessEnv;

  constructor(gitDir: string) {
    this.gitDir = gitDir;
    this.#env = {
      PATH: process.env.PATH,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      LC_ALL: "C",
      TZ: "UTC",
    };
  }

  /** Creates an empty bare repository whose HEAD names `branch`. */
  static async init(gitDir: string, branch: string): Promise<GitRepo> {
    const repo = new GitRepo(gitDir);
    await repo.#exec(["init", "--bare", "-q", `--initial-branch=${branch}`, gitDir], { bare: false });
    return repo;
  }

  /** Runs git and returns stdout; throws {@link GitCommandError} on a non-zero exit unless `okCodes` lists it. */
  run(
    args: readonly string[],
    opts: { input?: string | Buffer; env?: Record<string, string>; okCodes?: readonly number[] } = {},
  ): Promise<{ stdout: Buffer; code: number }> {
    return this.#exec(args, { ...opts, bare: true });
  }

  #exec(
    args: readonly string[],
    opts: { input?: string | Buffer; env?: Record<string, string>; okCodes?: readonly number[]; bare: boolean },
  ): Promise<{ stdout: Buffer; code: number }> {
    const full = opts.bare ? ["--git-dir", this.gitDir, ...args] : [...args];
    return new Promise((resolve, reject) => {
      const child = spawn("git", full, { env: { ...this.#env, ...opts.env }, stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on("data", (b: Buffer) => out.push(b));
      child.stderr?.on("data", (b: Buffer) => err.push(b));
      child.on("error", reject);
      child.on("close", (code) => {
        const ok = code === 0 || (code !== null && (opts.okCodes ?? []).includes(code));
        if (ok) resolve({ stdout: Buffer.concat(out), code: code ?? 0 });
        else reject(new GitCommandError(args, code, Buffer.concat(err).toString("utf8")));
      });
      if (child.stdin && opts.input !== undefined) {
        // git may exit before reading its input (e.g. an unknown object): that is not an error here.
        child.stdin.on("error", () => undefined);
        child.stdin.end(opts.input);
      }
    });
  }

  async #text(args: readonly string[], okCodes: readonly number[] = []): Promise<{ text: string; code: number }> {
    const { stdout, code } = await this.run(args, { okCodes });
    return { text: stdout.toString("utf8"), code };
  }

  /** Object id of `rev` peeled to `kind`, or `undefined` when it does not exist. */
  async revParse(rev: string, kind: "commit" | "tree" | "blob" | "object" = "object"): Promise<string | undefined> {
    if (rev.startsWith("-")) return undefined;
    const spec = kind === "object" ? rev : `${rev}^{${kind}}`;
    const { text, code } = await this.#text(["rev-parse", "--verify", "--quiet", "--end-of-options", spec], [1, 128]);
    return code === 0 ? text.trim() : undefined;
  }

  /**
   * Resolves what GitHub accepts as a ref: a full or abbreviated sha, a branch, a tag, `heads/x`,
   * `tags/x` or `refs/...`. Returns the commit sha.
   */
  async resolveCommit(ref: string): Promise<string | undefined> {
    const candidates = /^[0-9a-f]{7,40}$/.test(ref)
      ? [ref, `refs/heads/${ref}`, `refs/tags/${ref}`]
      : ref.startsWith("refs/")
        ? [ref]
        : [`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/${ref}`];
    for (const c of candidates) {
      const sha = await this.revParse(c, "commit");
      if (sha) return sha;
    }
    return undefined;
  }

  /** `git cat-file -t`, or `undefined` for a missing object. */
  async objectType(sha: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{4,40}$/.test(sha)) return undefined;
    const { text, code } = await this.#text(["cat-file", "-t", sha], [1, 128]);
    return code === 0 ? text.trim() : undefined;
  }

  /** Raw content of a blob. */
  async readBlob(sha: string): Promise<Buffer> {
    return (await this.run(["cat-file", "blob", sha])).stdout;
  }

  /** Entries of a tree (`treeish` may be a commit), optionally recursive (with the trees themselves) or limited to `path`. */
  async lsTree(treeish: string, opts: { recursive?: boolean; path?: string } = {}): Promise<GitTreeEntry[]> {
    const args = ["ls-tree", "-l", "-z", "--full-tree"];
    if (opts.recursive) args.push("-r", "-t");
    args.push(treeish);
    if (opts.path !== undefined) args.push("--", opts.path);
    const { text } = await this.#text(args);
    const entries: GitTreeEntry[] = [];
    for (const record of text.split("\0")) {
      if (!record) continue;
      const tab = record.indexOf("\t");
      const [mode = "", type = "", sha = "", size = ""] = record.slice(0, tab).split(/\s+/);
      entries.push({
        mode,
        type: type as GitTreeEntry["type"],
        sha,
        size: size === "-" ? undefined : Number(size),
        path: record.slice(tab + 1),
      });
    }
    return entries;
  }

  /** Commit metadata of each sha (or rev), in the given order (git shows a repeated rev once). */
  async commits(revs: readonly string[]): Promise<GitCommit[]> {
    if (revs.length === 0) return [];
    const { text } = await this.#text(["show", "-s", "-z", `--format=${COMMIT_FORMAT}`, "--end-of-options", ...revs]);
    return parseCommits(text);
  }

  /** One commit, or `undefined`. */
  async commit(rev: string): Promise<GitCommit | undefined> {
    const sha = await this.revParse(rev, "commit");
    if (!sha) return undefined;
    const [c] = await this.commits([sha]);
    return c;
  }

  /** `git log` of a rev (newest first), optionally limited to commits touching `path`. */
  async log(rev: string, opts: { path?: string; exclude?: string } = {}): Promise<GitCommit[]> {
    const args = ["log", "-z", `--format=${COMMIT_FORMAT}`, "--end-of-options", rev];
    if (opts.exclude) args.push(`^${opts.exclude}`);
    if (opts.path) args.push("--", opts.path);
    const { text } = await this.#text(args);
    return parseCommits(text);
  }

  /** Best common ancestor, or `undefined` for unrelated histories. */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const { text, code } = await this.#text(["merge-base", a, b], [1]);
    return code === 0 ? text.trim() : undefined;
  }

  /** Whether `ancestor` is reachable from `descendant`. */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const { code } = await this.run(["merge-base", "--is-ancestor", ancestor, descendant], { okCodes: [1] });
    return code === 0;
  }

  /** Files changed from `base` (a commit, or `undefined` for the empty tree) to `head`. */
  async diff(base: string | undefined, head: string): Promise<GitFileChange[]> {
    const from = base ?? EMPTY_TREE;
    const raw = (await this.#text(["diff-tree", "-r", "-z", "--no-renames", "--raw", "--numstat", from, head])).text;
    const parts = raw.split("\0");
    const changes = new Map<string, { status: GitFileChange["status"]; oldSha: string; newSha: string; additions?: number; deletions?: number }>();
    let i = 0;
    while (i < parts.length) {
      const part = parts[i] ?? "";
      if (part.startsWith(":")) {
        const [, , oldSha = ZERO_SHA, newSha = ZERO_SHA, letter = "M"] = part.slice(1).split(" ");
        const path = parts[i + 1] ?? "";
        const status = letter === "A" ? "added" : letter === "D" ? "removed" : "modified";
        changes.set(path, { status, oldSha, newSha });
        i += 2;
      } else if (/^(\d+|-)\t(\d+|-)\t/.test(part)) {
        const [add = "-", del = "-", ...rest] = part.split("\t");
        const entry = changes.get(rest.join("\t"));
        if (entry && add !== "-") {
          entry.additions = Number(add);
          entry.deletions = Number(del);
        }
        i += 1;
      } else {
        i += 1;
      }
    }
    const patches = await this.#patches(from, head);
    return [...changes.entries()].map(([path, c]) => ({
      path,
      status: c.status,
      oldSha: c.oldSha,
      newSha: c.newSha,
      additions: c.additions,
      deletions: c.deletions,
      patch: c.additions === undefined ? undefined : patches.get(path),
    }));
  }

  async #patches(from: string, head: string): Promise<Map<string, string>> {
    const { text } = await this.#text(["diff-tree", "-r", "-p", "--no-renames", from, head]);
    const out = new Map<string, string>();
    let path: string | undefined;
    let lines: string[] = [];
    const flush = (): void => {
      if (path !== undefined) {
        const start = lines.findIndex((l) => l.startsWith("@@"));
        if (start >= 0) out.set(path, lines.slice(start).join("\n").replace(/\n$/, ""));
      }
    };
    for (const line of text.split("\n")) {
      const header = /^diff --git a\/(.*) b\/(.*)$/.exec(line);
      if (header) {
        flush();
        path = header[2];
        lines = [];
      } else {
        lines.push(line);
      }
    }
    flush();
    return out;
  }

  /** Refs under a prefix (`refs/heads/`), with the object each points at. */
  async refs(prefix = "refs/"): Promise<{ ref: string; sha: string; type: string }[]> {
    const { text } = await this.#text(["for-each-ref", "--format=%(refname)%00%(objectname)%00%(objecttype)", prefix]);
    return text
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [ref = "", sha = "", type = ""] = l.split("\0");
        return { ref, sha, type };
      });
  }

  /** Sha a full ref points at, or `undefined`. */
  async refSha(ref: string): Promise<string | undefined> {
    const { text, code } = await this.#text(["rev-parse", "--verify", "--quiet", `${ref}^{object}`], [1, 128]);
    return code === 0 ? text.trim() : undefined;
  }

  /**
   * Sets a ref with compare-and-swap: `expected` is the current value (`null`: must not exist,
   * `undefined`: no check). Returns false when the ref moved meanwhile.
   */
  async updateRef(ref: string, sha: string, expected?: string | null): Promise<boolean> {
    const args = ["update-ref", ref, sha];
    if (expected !== undefined) args.push(expected ?? ZERO_SHA);
    const { code } = await this.run(args, { okCodes: [1, 128] });
    return code === 0;
  }

  /** Deletes a ref; false when it did not exist. */
  async deleteRef(ref: string): Promise<boolean> {
    const { code } = await this.run(["update-ref", "-d", ref], { okCodes: [1, 128] });
    return code === 0;
  }

  /** Writes blobs, a tree and a commit object; moves no ref. Returns the commit sha. */
  async writeCommit(opts: WriteCommitOptions): Promise<string> {
    const parents = opts.parents ?? [];
    const indexDir = await mkdtemp(join(tmpdir(), "fake-github-index-"));
    const env = { GIT_INDEX_FILE: join(indexDir, "index") };
    try {
      const first = parents[0];
      if (first) await this.run(["read-tree", first], { env });
      else await this.run(["read-tree", "--empty"], { env });
      const lines: string[] = [];
      for (const [path, content] of Object.entries(opts.files)) {
        const clean = path.replace(/^\/+/, "");
        if (content === null) {
          lines.push(`0 ${ZERO_SHA}\t${clean}`);
          continue;
        }
        const sha = (await this.run(["hash-object", "-w", "--stdin"], { input: content })).stdout.toString("utf8").trim();
        lines.push(`100644 ${sha}\t${clean}`);
      }
      if (lines.length > 0) await this.run(["update-index", "--index-info"], { env, input: `${lines.join("\n")}\n` });
      const tree = (await this.run(["write-tree"], { env })).stdout.toString("utf8").trim();
      return await this.commitTree(tree, parents, opts.message, opts.author, opts.committer ?? opts.author);
    } finally {
      await rm(indexDir, { recursive: true, force: true });
    }
  }

  /** `git commit-tree`: a commit object for an existing tree. */
  async commitTree(tree: string, parents: readonly string[], message: string, author: GitIdentity, committer: GitIdentity): Promise<string> {
    const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])];
    const env = { ...gitDateEnv("AUTHOR", author), ...gitDateEnv("COMMITTER", committer) };
    return (await this.run(args, { env, input: message })).stdout.toString("utf8").trim();
  }

  /** Three-way merge of two commits without a worktree: the merged tree, or `undefined` on conflict. */
  async mergeTree(ours: string, theirs: string): Promise<string | undefined> {
    // exit 1: conflicts; 128: e.g. unrelated histories. Neither merges.
    const { text, code } = await this.#text(["merge-tree", "--write-tree", "--no-messages", ours, theirs], [1, 128]);
    return code === 0 ? text.split("\n")[0]?.trim() : undefined;
  }

  /** Fetches `srcRef` of another local repository into `dstRef` here (forced). */
  async fetchFrom(otherGitDir: string, srcRef: string, dstRef: string): Promise<void> {
    await this.run(["fetch", "-q", "--no-tags", otherGitDir, `+${srcRef}:${dstRef}`]);
  }
}

/** Makes a temporary directory for repositories the fake creates itself; the caller removes it. */
export function makeTempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), "fake-github-"));
}

const COMMIT_FORMAT = "%H%x1f%T%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B";

function parseCommits(text: string): GitCommit[] {
  const out: GitCommit[] = [];
  for (const record of text.split("\0")) {
    if (!record.trim()) continue;
    const [sha = "", tree = "", parents = "", an = "", ae = "", ad = "", cn = "", ce = "", cd = "", ...message] = record.replace(/^\n/, "").split("\x1f");
    out.push({
      sha,
      tree,
      parents: parents.split(" ").filter(Boolean),
      author: { name: an, email: ae, date: ad },
      committer: { name: cn, email: ce, date: cd },
      message: message.join("\x1f").replace(/\n$/, ""),
    });
  }
  return out;
}
