/**
 * Publishing: one commit that writes a set of directories into a GitOps repository, built from
 * objects on top of the branch tip (no checkout), pushed with a compare-and-swap on the branch,
 * and re-applied on the new tip when another writer got there first.
 *
 * ```ts
 * const result = await publish({
 *   target: { url: "https://github.com/acme/gitops.git", branch: "main", token },
 *   changes: [
 *     { dir: "environments/dev/shop/api", files: { "deployment.yaml": "...", "service.yaml": "..." }, prune: true },
 *     { dir: "releases/shop/api", files: { "r-1a2b3c.yaml": "..." }, prune: false },
 *   ],
 *   message: "dev: shop/api r-1a2b3c\n\nRelease r-1a2b3c of shop/api from acme/api@5e6f.",
 *   trailers: { "Ferry-Release": "r-1a2b3c", "Ferry-Source": "acme/api@5e6f...", "Ferry-Environment": "dev" },
 * });
 * // result.commit: the new commit, or null when the repository already held exactly this.
 * ```
 */
import type { GitopsDeps } from "./gitops-deps.js";
import { resolveGitopsDeps } from "./gitops-deps.js";
import { GitopsError } from "./errors.js";
import type { PublishRequest as CheckedPublishRequest } from "../../core/gitops/request.js";
import { formatCommitMessage, TRAILERS } from "../../core/gitops/trailers.js";
import { EMPTY_TREE, rawObject, serializeCommit } from "./objects.js";
import { PublishRequest, parseRequest } from "./schema.js";
import { FERRY_AUTHOR, withBackend } from "./target.js";
import { applyEdits, planEdits } from "./tree-edit.js";

/** What {@link publish} did. */
export interface PublishResult {
  /** The commit made, or null when nothing changed (no commit, no push). */
  readonly commit: string | null;
  readonly changed: boolean;
  /** The branch written (the target branch, or `branch.name`). */
  readonly branch: string;
  /**
   * The commit that holds the requested content afterwards: the new commit, or when nothing
   * changed the tip it was compared with (null only for an empty repository left empty).
   */
  readonly head: string | null;
  /** Attempts made (1 unless another writer moved the branch meanwhile). */
  readonly attempts: number;
}

/** Server answers that mean "the branch moved under you", i.e. try again on the new tip. */
const RACE = /fast-forward|fetch first|stale|lock|failed to update ref|expected|already exists|moved/i;

/** Backoff before attempt `n + 1`: exponential from 25 ms, capped at 1 s, with ±50 % jitter. */
export function retryDelay(n: number, random: () => number): number {
  return Math.round(Math.min(1000, 25 * 2 ** (n - 1)) * (0.5 + random()));
}

/** Publishes the changes as one commit; see the module comment. Throws {@link GitopsError}. */
export async function publish(input: PublishRequest, deps: Partial<GitopsDeps> = {}): Promise<PublishResult> {
  const d = resolveGitopsDeps(deps);
  const req: CheckedPublishRequest = parseRequest(PublishRequest, input, "publish request");
  const target = req.target;
  const { root, problems } = planEdits(req.changes);
  if (problems.length > 0) throw new GitopsError("invalid", target.url, target.branch, `invalid publish request: ${problems.join("; ")}`);
  const author = req.author ?? FERRY_AUTHOR;
  const writeBranch = req.branch?.name ?? target.branch;
  const fromBranch = req.branch ? (req.branch.from ?? target.branch) : writeBranch;
  const branches = writeBranch === fromBranch ? [writeBranch] : [writeBranch, fromBranch];
  const retries = req.retries ?? 5;
  const dirs = req.changes.map((c) => c.dir);

  return withBackend(target, { cacheDir: req.cacheDir, mode: "write", ident: author }, d, async (backend) => {
    let tips = await backend.tips(branches);
    for (let attempt = 1; ; attempt++) {
      const existing = tips.get(writeBranch) ?? null;
      const base = existing ?? (writeBranch === fromBranch ? null : (tips.get(fromBranch) ?? null));
      if (base === null && writeBranch !== fromBranch) {
        throw new GitopsError("not-found", backend.repo, fromBranch, `cannot create branch ${writeBranch}: branch ${fromBranch} does not exist`);
      }
      const baseTree = base === null ? null : (await backend.store.readCommit(base)).tree;
      const edit = await applyEdits(backend.store, baseTree, root);
      if (edit.tree === (baseTree ?? EMPTY_TREE) && !(req.always && base !== null)) {
        return { commit: null, changed: false, branch: writeBranch, head: base, attempts: attempt };
      }
      const date = d.now();
      const parents = base === null ? [] : [base];
      const trailers = req.seal ? { ...req.trailers, [TRAILERS.seal]: req.seal({ tree: edit.tree, parents, trailers: req.trailers }) } : req.trailers;
      const message = formatCommitMessage(req.message, trailers);
      const commit = rawObject("commit", serializeCommit({ tree: edit.tree, parents, author: { ...author, date }, committer: { ...author, date }, message }));
      const outcome = await backend.update(writeBranch, existing, commit.oid, [...edit.objects, commit], dirs);
      if (outcome.ok) return { commit: commit.oid, changed: true, branch: writeBranch, head: commit.oid, attempts: attempt };

      const detail = [outcome.reason, ...outcome.messages].join("; ");
      await d.sleep(retryDelay(attempt, d.random));
      tips = await backend.tips(branches);
      const moved = (tips.get(writeBranch) ?? null) !== existing;
      if (!moved && !RACE.test(outcome.reason)) {
        throw new GitopsError("rejected", backend.repo, writeBranch, `push rejected: ${detail}; nothing was changed`);
      }
      if (attempt > retries) {
        throw new GitopsError("conflict", backend.repo, writeBranch, `gave up after ${attempt} attempts: the branch kept moving (last answer: ${detail})`);
      }
      d.onPushRetry({ repo: backend.repo, branch: writeBranch, attempt });
    }
  });
}
