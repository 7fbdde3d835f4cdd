/**
 * The inputs of adapters/git, as zod schemas with their types beside them: the edge where the
 * GitOps request types of core/gitops/request.ts are validated, once. Every path, branch, URL and
 * trailer is checked before anything touches a repository, and every problem is reported in one
 * GitopsError.
 */
import { z } from "zod";
import { formatPath } from "../../renderers/diagnostics.js";
import { GitopsError } from "./errors.js";
import { BranchName, RepoPath, problemsOf, repoPathProblems } from "../../core/gitops/names.js";
import type { FileContent, GitTarget as CoreGitTarget } from "../../core/gitops/request.js";
import { trailerKeyProblems, trailerValueProblems } from "../../core/gitops/trailers.js";
import type { SealedCommit } from "../../core/gitops/seal.js";
import { displayTarget, parseTargetUrl } from "./paths.js";

/**
 * Where to publish or read, checked: the one `GitTarget`. Its type is core/gitops/request.ts's
 * (the pure core builds requests with it); this schema parses it at the edge and must give it.
 */
export const GitTarget = z.object({
  /** `https://host/org/repo.git`, `file:///path`, or a local path (relative to the working directory). */
  url: z.string().superRefine(problemsOf((u) => parseTargetUrl(u, "/").problems)),
  branch: BranchName,
  /** Sent as Basic auth `x-access-token:<token>`; ignored for local paths. @default none */
  token: z.string().min(1).optional(),
}) satisfies z.ZodType<CoreGitTarget>;
export type GitTarget = CoreGitTarget;

const FileContent = z.union([z.string(), z.custom<Uint8Array>((v) => v instanceof Uint8Array, { error: "must be text or bytes (Uint8Array)" })]);
/** A Map of files, or a plain object (for callers writing requests by hand), parsed into a Map. */
const FileMap = z
  .union([z.record(z.string(), FileContent).readonly(), z.map(z.string(), FileContent).readonly()])
  .superRefine((files, ctx) => {
    const names = files instanceof Map ? [...files.keys()] : Object.keys(files);
    for (const name of names) for (const message of repoPathProblems(name)) ctx.addIssue({ code: "custom", message, path: [name] });
  })
  .transform((files): ReadonlyMap<string, FileContent> => (files instanceof Map ? files : new Map(Object.entries(files))));

/** A core/gitops `DirectoryChange` (its `files` may also be a plain object). */
export const DirectoryChange = z.object({
  dir: RepoPath,
  files: FileMap,
  prune: z.boolean(),
});
export type DirectoryChange = z.input<typeof DirectoryChange>;

const TrailerValue = z.string().superRefine(problemsOf(trailerValueProblems));

/** A commit author. */
export const Author = z.object({ name: z.string().trim().min(1), email: z.string().trim().min(3) });
export type Author = z.infer<typeof Author>;

/**
 * A core/gitops `PublishRequest` (see there for the fields), checked: `publish` accepts any, and
 * the `files` of its changes may also be plain objects. Parsing gives the core type back.
 */
export const PublishRequest = z.object({
  target: GitTarget,
  /** Applied in order; a later change to the same place wins. */
  changes: z.array(DirectoryChange).min(1, { error: "must list at least one change" }).readonly(),
  /** Subject line, blank line, body: what changed and why. */
  message: z.string().refine((m) => m.trim().length > 0, { error: "must not be empty" }),
  /** Git trailers (Ferry-Release, Ferry-Source, Ferry-Environment, Ferry-Approved-By...), written sorted by key. */
  trailers: z.record(z.string(), z.union([TrailerValue, z.array(TrailerValue).min(1).readonly()])).superRefine((trailers, ctx) => {
    for (const key of Object.keys(trailers)) for (const message of trailerKeyProblems(key)) ctx.addIssue({ code: "custom", message, path: [key] });
  }),
  /** @default Ferry <ferry@users.noreply.github.com> */
  author: Author.optional(),
  /**
   * Commit to branch `name` instead of the target branch, which is left alone. A new branch starts
   * at `from` (default: the target branch); an existing one gets a commit on top of its tip.
   * @default the target branch
   */
  branch: z.object({ name: BranchName, from: BranchName.optional() }).optional(),
  /** Clone cache directory. @default FERRY_CACHE_DIR, else $XDG_CACHE_HOME/ferry, else ~/.cache/ferry */
  cacheDir: z.string().min(1).optional(),
  /** Retries after losing a race for the branch (non-fast-forward). @default 5 */
  retries: z.number().int().min(0).max(20).optional(),
  /** Gives the `Ferry-Seal` of the commit from its tree, parents and trailers. @default no seal */
  seal: z.custom<(commit: SealedCommit) => string>((v) => typeof v === "function", { error: "must be a function" }).optional(),
  /** Commit even when the tree is unchanged (only the trailers are new). @default false */
  always: z.boolean().optional(),
});
export type PublishRequest = z.input<typeof PublishRequest>;

/** What {@link readFiles} is asked for. */
export const ReadFilesRequest = z.object({
  target: GitTarget,
  /** Files or directories (everything under them) to read. */
  paths: z.array(RepoPath).min(1, { error: "must list at least one path" }).readonly(),
  /**
   * Read at this commit (40 hex digits) of the branch instead of its tip: the tip or one of its
   * ancestors, or a commit fetched before; a commit not there is a `not-found` error. @default the tip
   */
  commit: z
    .string()
    .regex(/^[0-9a-f]{40}$/, { error: "must be a commit sha (40 hex digits)" })
    .optional(),
  /** @default as for publish */
  cacheDir: z.string().min(1).optional(),
});
export type ReadFilesRequest = z.infer<typeof ReadFilesRequest>;

/** What {@link readHistory} is asked for. */
export const ReadHistoryRequest = z.object({
  target: GitTarget,
  /** Only commits that changed this file or directory. @default every commit */
  path: RepoPath.optional(),
  /** At most this many commits, newest first. @default 50 */
  limit: z.number().int().min(1).max(10_000).optional(),
  /** @default as for publish */
  cacheDir: z.string().min(1).optional(),
});
export type ReadHistoryRequest = z.infer<typeof ReadHistoryRequest>;

/** Parses `input` with `schema`, or throws one GitopsError (code `invalid`) listing every problem. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const res = schema.safeParse(input);
  if (res.success) return res.data as z.infer<S>;
  const target = (input as { target?: { url?: unknown; branch?: unknown } } | null)?.target;
  const repo = typeof target?.url === "string" ? displayTarget(target.url) : "(no target)";
  const branch = typeof target?.branch === "string" ? target.branch : undefined;
  const problems = res.error.issues.map((i) => `${formatPath(i.path.filter((p) => typeof p !== "symbol")) || "(request)"}: ${i.message}`);
  throw new GitopsError("invalid", repo, branch, `invalid ${what}: ${problems.join("; ")}`);
}
