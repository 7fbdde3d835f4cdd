/**
 * Opening a bundle's promotion: one pull request per bundle and target, on its branch
 * `ferry/bundle/<name>/<target>`, carrying every member's release rendered for the target in one
 * sealed commit whose trailers name every release (core/bundles/bundles.ts). It opens only when
 * every member runs a release in the source environment that is not observed unhealthy there (the
 * gates then hold each member to its own health, verification and soak); a newer release of one
 * member updates the branch (a new head: approvals given before no longer count) and says so. A
 * rollback carries the releases its caller planned (each member's previous release there).
 */
import { formatDiagnostic, hasErrors } from "../../renderers/diagnostics.js";
import { catalogKey } from "../../renderers/apps.js";
import { clustersOf } from "../../renderers/model/index.js";
import type { Bundle } from "../../renderers/model/index.js";
import { createPullRequest, findOpenPullRequest, updatePullRequest } from "../../adapters/github/pulls.js";
import { createIssueComment } from "../../adapters/github/comments.js";
import type { RepoRef } from "../../adapters/github/types.js";
import { fullName } from "../../adapters/github/types.js";
import { readEnvironment } from "../../adapters/git/environment.js";
import { serverUrlOf } from "../../adapters/github/gitops-targets.js";
import { deleteBranch } from "../../adapters/github/branches.js";
import { projectOwner, releaseChanges } from "../../core/release/plan.js";
import type { DirectoryChange } from "../../core/gitops/request.js";
import { planPromotion } from "../../core/promotion/pipeline.js";
import { wavesOf } from "../../core/promotion/waves.js";
import type { BundleItem, MemberRef } from "../../core/bundles/bundles.js";
import { bundleBranch, bundleCommit, bundleMembers, bundleNamed, verifyBundle } from "../../core/bundles/bundles.js";
import { commitSeal } from "../../core/gitops/seal.js";
import type { SealedCommit } from "../../core/gitops/seal.js";
import { TRAILERS } from "../../core/gitops/trailers.js";
import { bundlePullRequest } from "../../presentation/markdown/bundle.js";
import type { PromotionContext } from "./context.js";
import { environmentNamed } from "./context.js";
import type { NotOpened, OpenedPull } from "./opening.js";
import { renderFor } from "./judging.js";
import { branchCommits, readComponentHistory, readRelease, releaseFilePath, sourceHealth, sourceOf } from "./reads.js";

/** A bundle's promotion (or rollback) to open or update. */
export interface BundleRequest {
  readonly bundle: string;
  /** The source environment; the target itself for a rollback. */
  readonly from: string;
  readonly to: string;
  /** For a rollback: the release each member goes back to, by `project/component`. */
  readonly releases?: ReadonlyMap<string, string>;
  /** Who asked (`/ferry rollback`, `ferry rollback --bundle`): they cannot approve it. @default Ferry on its own */
  readonly requestedBy?: { readonly login: string };
  /** Whether to evaluate the gates once it is open (only the GitHub App writes the check). @default true */
  readonly evaluateGates?: boolean;
}

/** What {@link openBundle} did: the pull request and its repository, or why nothing was opened (`waiting`: a member is not ready in the source). */
export type BundleOpening = { readonly opened: OpenedPull; readonly repo: RepoRef } | NotOpened;

const refused = (reason: string): NotOpened => ({ status: "refused", reason });

/** Health that keeps a bundle from opening: observed, and not Healthy. */
const UNREADY = new Set(["Degraded", "Progressing", "Missing", "Suspended"]);

/** Opens or updates the bundle's pull request into `req.to` (see the module comment); changes nothing when it refuses or waits. */
export async function openBundle(ctx: PromotionContext, req: BundleRequest): Promise<BundleOpening> {
  const { octokit, deps } = ctx;
  const platform = ctx.bundle.platform;
  const bundle = bundleNamed(platform, req.bundle);
  if (!bundle) return refused(`the platform has no bundle ${JSON.stringify(req.bundle)}`);
  const rollback = req.from === req.to;
  const to = environmentNamed(ctx, req.to);
  const from = environmentNamed(ctx, req.from);
  if (!to || !from) return refused(`the platform has no environment ${JSON.stringify(to ? req.from : req.to)}`);
  if (!rollback) {
    const plan = planPromotion(platform, { from: from.name, to: to.name });
    if (!plan.ok) return refused(plan.reason);
  }
  if (wavesOf(clustersOf(to)).length > 1)
    return refused(`bundle ${bundle.name} cannot move into ${to.name} wave by wave: bundles into an environment in waves are not supported yet`);
  const target = await ctx.resolver.resolve(to);
  const snapshot = await readEnvironment(deps.gitops, target, deps.cacheDir);
  const sourceTarget = rollback ? target : await ctx.resolver.resolve(from);
  const source = rollback ? snapshot : await readEnvironment(deps.gitops, sourceTarget, deps.cacheDir);
  const members = membersIn(bundle, source.state.components.keys());
  if (members.length === 0) return { status: "waiting", reason: `${from.name} runs no component of bundle ${bundle.name}` };

  const items: BundleItem[] = [];
  const changes: DirectoryChange[] = [];
  const waiting: string[] = [];
  for (const m of members) {
    const key = catalogKey(m.project, m.component);
    const name = `${m.project}/${m.component}`;
    const id = rollback ? req.releases?.get(name) : source.state.components.get(key)?.release;
    if (!id) {
      waiting.push(rollback ? `no release of ${name} to go back to` : `${from.name} runs no release of ${name}`);
      continue;
    }
    if (!rollback) {
      const health = await sourceHealth(deps, { environment: from.name, project: m.project, component: m.component });
      if (UNREADY.has(health.status)) waiting.push(`${name} is ${health.status} in ${from.name}`);
    }
    const release = await readRelease(ctx, sourceTarget, m.project, m.component, id);
    if (!release)
      return refused(
        `release ${id} of ${name} is not in ${fullName(sourceTarget.repo)} (${releaseFilePath(m.project, m.component, id)} is missing or unreadable)`,
      );
    const cut = sourceOf(await readComponentHistory(ctx, m.project, m.component), id);
    if (!cut) return refused(`no environment's history says which app commit release ${id} of ${name} was cut from`);
    const rendered = renderFor(ctx, release, to, snapshot);
    if (hasErrors(rendered.diagnostics)) {
      const errors = rendered.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
      return refused(`release ${id} of ${name} does not render for ${to.name} without errors: ${errors.slice(0, 3).join(", ")}`);
    }
    const current = snapshot.state.components.get(key)?.release;
    items.push({ ...m, release: id, source: cut, ...(current ? { current } : {}) });
    changes.push(
      ...releaseChanges(to, release, rendered.files, undefined, {
        owner: projectOwner(platform, m.project),
        source: { repo: cut.repo, ref: cut.sha, serverUrl: serverUrlOf(target) },
      }),
    );
  }
  if (waiting.length > 0) return { status: "waiting", reason: `bundle ${bundle.name} waits: ${waiting.join("; ")}` };
  if (items.every((i) => i.current === i.release)) return { status: "in-place", reason: `${to.name} already runs every release of bundle ${bundle.name}` };

  const branch = bundleBranch(bundle.name, to.name);
  const existing = await findOpenPullRequest(octokit, target.repo, branch, target.git.branch);
  // A branch left from a closed pull request would carry its old commits into the new one.
  if (!existing) await deleteBranch(octokit, target.repo, branch);
  const before = existing
    ? verifyBundle(
        {
          repo: fullName(target.repo),
          headRef: existing.head.ref,
          headRepo: existing.head.repo?.full_name,
          baseRef: existing.base.ref,
          author: existing.user,
          body: existing.body,
        },
        await branchCommits(ctx, target.repo, existing.number),
        platform,
        await deps.botLogin(),
      )
    : undefined;
  const carried = new Map(before && !("reason" in before) ? before.members.map((m) => [`${m.project}/${m.component}`, m.release]) : []);
  const updatedFrom = new Map([...carried].filter(([k, r]) => items.some((i) => `${i.project}/${i.component}` === k && i.release !== r)));
  const subject = { bundle: bundle.name, from: from.name, to: to.name, items };
  const asked = before && !("reason" in before) && updatedFrom.size === 0 ? (before.members[0]?.requesters ?? []) : [];
  const requester = req.requestedBy?.login ?? asked[0];
  const pr = bundlePullRequest(subject, { serverUrl: serverUrlOf(target), ...(requester ? { requestedBy: requester } : {}), updatedFrom });
  const commit = bundleCommit(subject);
  const key = await deps.sealKey?.();
  const published = await deps.gitops.publish({
    target: target.git,
    changes,
    message: commit.message,
    trailers: requester ? { ...commit.trailers, [TRAILERS.requestedBy]: requester } : commit.trailers,
    ...(key ? { seal: (c: SealedCommit) => commitSeal(key, c) } : {}),
    branch: { name: branch, from: target.git.branch },
    cacheDir: deps.cacheDir,
  });
  let opened: OpenedPull;
  const release = items.map((i) => i.release).join(",");
  if (existing) {
    const edited = existing.title !== pr.title || (existing.body ?? "") !== pr.body;
    if (edited) await updatePullRequest(octokit, target.repo, existing.number, { title: pr.title, body: pr.body });
    const status = updatedFrom.size > 0 ? "updated" : published.changed || edited ? "refreshed" : "unchanged";
    if (status === "updated") {
      const what = [...updatedFrom].map(
        ([k, was]) => `\`${k}\` from \`${was}\` to \`${items.find((i) => `${i.project}/${i.component}` === k)?.release ?? "?"}\``,
      );
      await createIssueComment(
        octokit,
        { ...target.repo, issue_number: existing.number },
        `Ferry updated this bundle: ${what.join(", ")} (now in ${from.name}). Approvals given before this update no longer count.`,
      );
    }
    opened = { status, number: existing.number, url: existing.html_url, release, previous: carried.size > 0 ? [...carried.values()].join(",") : undefined };
  } else {
    const data = await createPullRequest(octokit, target.repo, { head: branch, base: target.git.branch, title: pr.title, body: pr.body });
    opened = { status: "opened", number: data.number, url: data.html_url, release, previous: undefined };
  }
  deps.logger.info({ bundle: bundle.name, from: from.name, to: to.name, pull: opened.number, status: opened.status }, "bundle pull request");
  return { opened, repo: target.repo };
}

/** The bundle's members among the components an environment runs (`project/component` keys) or names. */
export function membersIn(bundle: Bundle, keys: Iterable<string>): MemberRef[] {
  const known = [...keys].map((k) => {
    const [project = "", component = ""] = k.split("/");
    return { project, component };
  });
  return bundleMembers(bundle, known);
}
