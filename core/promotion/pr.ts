/**
 * Ferry's pull requests in GitOps repositories as data: which branch names are Ferry's, the
 * extra markers a promotion body may carry, what a promotion may change, rollback wording, and
 * the squash-merge commit. Pure.
 *
 * Branches:
 * - `ferry/promote/<project>/<component>/<env>[/wave-<n>]`: a promotion (or rollback) into `<env>`
 *   (wave `n` of it, for an environment on several clusters: core/promotion/waves.ts); the
 *   body's markers (body.ts) say which release from which environment. A rollback is written as a
 *   promotion from the environment into itself (`<!-- ferry:release <id> from <env> -->` with the
 *   target's own name).
 * - `ferry/release/<env>/<project>/<component>`: a release into one of the pipeline's first
 *   environments when it needs approval (app/release).
 */
import { CATALOG_DIR, componentCatalogDir, projectCatalogFile } from "../catalog.js";
import { formatCommitMessage } from "../gitops/trailers.js";
import { DnsLabel } from "../../renderers/model/index.js";
import type { Environment } from "../../renderers/model/index.js";
import { componentTargets, environmentPath } from "../gitops/layout.js";
import type { z } from "zod";
import type { PromotionSubject } from "./body.js";
import { parsePromotionBody, parseUpdatedFrom, promotionBranch, promotionCommit, promotionTitle } from "./body.js";
import { TRAILERS } from "../gitops/trailers.js";
import { parseSource } from "../history.js";
import type { SourceCommit } from "../history.js";
import { findEnvironment } from "../../renderers/platform.js";
import { clustersOf } from "../../renderers/model/index.js";
import type { Wave } from "./waves.js";
import { wavesOf } from "./waves.js";
import type { BreakGlass } from "./freezes.js";
import { breakGlassTrailer, parseBreakGlass } from "./freezes.js";

export const PROMOTE_PREFIX = "ferry/promote/";
export const RELEASE_PREFIX = "ferry/release/";

/** A Ferry branch, read from its name. */
export type FerryBranch =
  | { readonly kind: "promotion"; readonly project: string; readonly component: string; readonly env: string; readonly wave?: number }
  | { readonly kind: "release"; readonly project: string; readonly component: string; readonly env: string };

const WAVE_RE = /^wave-(0|[1-9][0-9]{0,5})$/;
const label = (s: string | undefined): s is string => s !== undefined && DnsLabel.safeParse(s).success;

/** Reads a Ferry branch name; undefined for any other branch (or a malformed Ferry one). */
export function parseFerryBranch(ref: string): FerryBranch | undefined {
  const kind = ref.startsWith(PROMOTE_PREFIX) ? "promotion" : ref.startsWith(RELEASE_PREFIX) ? "release" : undefined;
  if (!kind) return undefined;
  const parts = ref.slice(kind === "promotion" ? PROMOTE_PREFIX.length : RELEASE_PREFIX.length).split("/");
  const waveMatch = kind === "promotion" && parts.length === 4 ? WAVE_RE.exec(parts[3]!) : null;
  if (waveMatch) parts.pop();
  if (parts.length !== 3 || !parts.every(label)) return undefined;
  const [a, b, c] = parts as [string, string, string];
  if (kind === "release") return { kind, env: a, project: b, component: c };
  return { kind, project: a, component: b, env: c, ...(waveMatch ? { wave: Number(waveMatch[1]) } : {}) };
}

// ---- markers Ferry adds to the body (written by presentation/markdown/promotion-body.ts) ----

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
const REQUESTED_RE = /^<!-- ferry:requested-by (\S+) -->$/m;

/** `<!-- ferry:requested-by <login> -->` */
export function requestedByMarker(login: string): string {
  if (!LOGIN.test(login)) throw new Error(`${JSON.stringify(login)} is not a GitHub login`);
  return `<!-- ferry:requested-by ${login} -->`;
}

/** Who asked for the promotion with a `/ferry` command, from the body; undefined when nobody did. */
export function parseRequestedBy(body: string | null | undefined): string | undefined {
  const m = body ? REQUESTED_RE.exec(body) : null;
  return m && LOGIN.test(m[1]!) ? m[1] : undefined;
}

/**
 * The release a re-rendered body should say it was updated from: the release the open pull
 * request carried when it was another one, else what the body's `updated-from` marker says for this
 * release (so re-syncing an updated pull request keeps saying so), else none.
 */
export function updatedFrom(
  previous: { readonly release: string | undefined; readonly body: string | null | undefined } | undefined,
  release: string,
): string | undefined {
  if (!previous) return undefined;
  if (previous.release !== undefined && previous.release !== release) return previous.release;
  const note = parseUpdatedFrom(previous.body);
  return note && note.to === release ? note.from : undefined;
}

// ---- rollbacks ------------------------------------------------------------------------------

/** Title of a rollback pull request. */
export function rollbackTitle(project: string, component: string, env: string, release: string): string {
  return `ferry: roll back ${project}/${component} in ${env} to ${release}`;
}

// ---- what a promotion may change ------------------------------------------------------------

/** The repository paths a promotion of one component into `env` writes. */
export interface PromotionPaths {
  /**
   * `<env path>/<project>/<component>`, each replaced as a whole; for an environment on several
   * clusters one per cluster, `<env path>/<cluster>/<project>/<component>` (core/gitops/layout.ts `componentTargets`).
   */
  readonly componentDirs: readonly string[];
  /** `<env path>/<project>/namespace.yaml` (one per cluster likewise). */
  readonly namespaceFiles: readonly string[];
  /** `releases/<project>/<component>`: frozen releases, only added to. */
  readonly releaseDir: string;
  /** `catalog/<project>/<component>`: the component's Backstage catalog file (core/catalog.ts). */
  readonly catalogDir: string;
  /** `catalog/<project>.yaml`: its project's Backstage System. */
  readonly catalogFile: string;
}

/**
 * Where a promotion of `project/component` into `env` writes: for one wave of an environment on
 * several clusters (`clusters`: the wave's), only those clusters' folders.
 */
export function promotionPaths(env: Environment, project: string, component: string, clusters?: readonly string[]): PromotionPaths {
  const root = environmentPath(env);
  const targets = componentTargets(env, project, component).filter((t) => !clusters || (t.cluster !== undefined && clusters.includes(t.cluster)));
  return {
    componentDirs: targets.map((t) => `${root}/${t.dir}`),
    namespaceFiles: targets.map((t) => `${root}/${t.namespaceFile}`),
    releaseDir: `releases/${project}/${component}`,
    catalogDir: `${CATALOG_DIR}/${componentCatalogDir(project, component)}`,
    catalogFile: `${CATALOG_DIR}/${projectCatalogFile(project)}`,
  };
}

/** Changed files (a pull request's file list) a promotion never writes, sorted. */
export function foreignChanges(changed: readonly string[], paths: PromotionPaths): string[] {
  const inside = (p: string, dir: string) => p.startsWith(`${dir}/`);
  const ours = (p: string) =>
    paths.componentDirs.some((d) => inside(p, d)) ||
    inside(p, paths.releaseDir) ||
    inside(p, paths.catalogDir) ||
    paths.namespaceFiles.includes(p) ||
    p === paths.catalogFile;
  return [...new Set(changed.filter((p) => !ours(p)))].sort();
}

/** Paths whose content differs between two file maps (missing on either side included), sorted. */
export function differingPaths(expected: ReadonlyMap<string, string>, actual: ReadonlyMap<string, string>): string[] {
  const out = new Set<string>();
  for (const [p, text] of expected) if (actual.get(p) !== text) out.add(p);
  for (const p of actual.keys()) if (!expected.has(p)) out.add(p);
  return [...out].sort();
}

// ---- commits --------------------------------------------------------------------------------

/** Subject of {@link promotionCommits}: body.ts's, with `from === to` for a rollback. */
export type CommitSubject = z.input<typeof PromotionSubject>;

/** Message and trailers of a promotion's commit; a rollback gets its own title and no Promoted-From. */
export function promotionCommits(s: CommitSubject, approvedBy: readonly string[] = []): { title: string; message: string; trailers: Record<string, string[]> } {
  const rollback = s.from === s.to;
  const made = promotionCommit(s, approvedBy);
  const title = rollback ? rollbackTitle(s.project, s.component, s.to, s.release) : promotionTitle(s);
  const message = rollback ? made.message.replace(promotionTitle(s), title) : made.message;
  const trailers = { ...made.trailers };
  if (rollback) delete trailers[TRAILERS.promotedFrom];
  return { title, message, trailers };
}

/** `commit_title` and `commit_message` of the squash merge Ferry makes: its trailers carry the approvers, and who broke glass on a freeze to land it. */
export function mergeCommitFields(s: CommitSubject, approvedBy: readonly string[], breakGlass?: BreakGlass): { commit_title: string; commit_message: string } {
  const { title, message, trailers } = promotionCommits(s, approvedBy);
  const full = formatCommitMessage(message, breakGlass ? { ...trailers, [TRAILERS.breakGlass]: [breakGlassTrailer(breakGlass)] } : trailers);
  return {
    commit_title: title,
    commit_message: full
      .slice(full.indexOf("\n") + 1)
      .replace(/^\n+/, "")
      .replace(/\n$/, ""),
  };
}

/** The promotion branch of a component and target (re-exported for the I/O side). */
export { promotionBranch };

/** The prefix every wave branch of a component's promotion into `env` starts with (`…/<env>/wave-`), to list them by. */
export function waveBranchPrefix(project: string, component: string, env: string): string {
  return `${promotionBranch(project, component, env)}/wave-`;
}

/**
 * What a rollback of `env` supersedes: the wave branches of the component's rollout into it
 * (`…/<env>/wave-<n>`, read from the branch names; sorted by wave). The rollback closes the open
 * pull request of each and deletes the branch, which git requires anyway: it refuses the rollback's
 * branch `…/<env>` while a `…/<env>/wave-<n>` exists. Other components', environments' and
 * malformed branches are never among them.
 */
export function rollbackSupersedes(
  target: { readonly project: string; readonly component: string; readonly env: string },
  branches: readonly string[],
): { readonly branch: string; readonly wave: number }[] {
  const out: { branch: string; wave: number }[] = [];
  for (const ref of new Set(branches)) {
    const b = parseFerryBranch(ref);
    if (b?.kind !== "promotion" || b.wave === undefined) continue;
    if (b.project !== target.project || b.component !== target.component || b.env !== target.env) continue;
    out.push({ branch: ref, wave: b.wave });
  }
  return out.sort((a, b) => a.wave - b.wave);
}

// ---- recognising Ferry's pull requests -------------------------------------------------------

/** What Ferry needs to know about a pull request to trust it as its own. */
export interface PullFacts {
  /** `owner/name` of the base repository. */
  readonly repo: string;
  readonly headRef: string;
  /** `owner/name` of the head repository (undefined when the fork is gone). */
  readonly headRepo: string | undefined;
  readonly baseRef: string;
  readonly author: { readonly login: string; readonly type?: string } | null | undefined;
  readonly body: string | null | undefined;
}

/** A Ferry pull request with the environment it targets. */
export interface FerryPull {
  readonly branch: FerryBranch;
  readonly env: Environment;
}

/** A promotion pull request, read and checked. */
export interface IdentifiedPromotion {
  readonly project: string;
  readonly component: string;
  readonly release: string;
  readonly to: Environment;
  /** The source environment; the target itself for a rollback. */
  readonly from: Environment;
  readonly rollback: boolean;
  /** Who asked for it with a `/ferry` command. */
  readonly requestedBy: string | undefined;
  /** The wave it lands, for a target on several clusters promoted wave by wave (its branch says which). @default every cluster */
  readonly wave?: Wave;
}

/** The wave a promotion branch names, checked against the target; undefined for a branch naming none; the reason when the target has no such wave. */
function branchWave(branch: FerryBranch, env: Environment): Wave | { readonly reason: string } | undefined {
  if (branch.kind !== "promotion" || branch.wave === undefined) return undefined;
  const wave = wavesOf(clustersOf(env)).find((w) => w.wave === branch.wave);
  return wave ?? { reason: `${env.name} has no wave ${branch.wave} of clusters` };
}

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * Whether a pull request may be one of Ferry's: a Ferry branch of the repository itself (never a
 * fork), opened by Ferry's bot (`botLogin`; any bot when it is unknown) or by a person
 * (`ferry promote` with their own token; {@link verifyPromotion} then requires its commits to be
 * the ones Ferry's tools made), into the branch of the GitOps target of the environment the branch
 * names. The reason when it is not.
 */
export function ferryPullOf(
  pr: PullFacts,
  platform: { readonly spec: { readonly environments: readonly Environment[] } },
  botLogin: string | undefined,
): FerryPull | { readonly reason: string } {
  const branch = parseFerryBranch(pr.headRef);
  if (!branch) return { reason: `${pr.headRef} is not a Ferry branch` };
  if (!same(pr.headRepo, pr.repo)) return { reason: `the branch is in ${pr.headRepo ?? "a deleted fork"}, not in ${pr.repo}` };
  const login = pr.author?.login ?? "";
  const byFerry = botLogin !== undefined ? same(login, botLogin) : pr.author?.type === "Bot";
  // `ferry promote` and MCP open the pull request with the person's own token: it is theirs. Whether
  // its branch holds commits Ferry's tools made for them is for `verifyPromotion` to tell, from the
  // commits (never from the body, which anyone with write access may edit); the gates then hold it to
  // Ferry's terms (exactly the release's rendering, and its requester cannot approve it).
  const byRequester = !byFerry && pr.author?.type !== "Bot" && login !== "";
  if (!byFerry && !byRequester) return { reason: `opened by ${login || "an unknown user"}, not by Ferry` };
  const env = findEnvironment(platform, branch.env);
  if (!env) return { reason: `the platform has no environment ${JSON.stringify(branch.env)}` };
  if (!same(env.gitops.repo, pr.repo) || env.gitops.branch !== pr.baseRef) {
    return { reason: `${env.name} lives in ${env.gitops.repo} on ${env.gitops.branch}, not ${pr.repo} on ${pr.baseRef}` };
  }
  return { branch, env };
}

/** Reads a promotion pull request: {@link ferryPullOf} plus body markers that agree with the branch. */
export function identifyPromotion(
  pr: PullFacts,
  platform: { readonly spec: { readonly environments: readonly Environment[] } },
  botLogin: string | undefined,
): IdentifiedPromotion | { readonly reason: string } {
  const ferry = ferryPullOf(pr, platform, botLogin);
  if ("reason" in ferry) return ferry;
  const { branch, env } = ferry;
  if (branch.kind !== "promotion") return { reason: `${pr.headRef} is a release branch, not a promotion` };
  const markers = parsePromotionBody(pr.body);
  if (!markers) return { reason: "the body has no promotion marker" };
  if (markers.project !== branch.project || markers.component !== branch.component || markers.to !== branch.env) {
    return { reason: `the body's marker (${markers.project}/${markers.component} -> ${markers.to}) does not match the branch ${pr.headRef}` };
  }
  if (markers.release === undefined || markers.from === undefined) return { reason: "the body has no readable release marker" };
  const from = findEnvironment(platform, markers.from);
  if (!from) return { reason: `the platform has no environment ${JSON.stringify(markers.from)} to promote from` };
  const wave = branchWave(branch, env);
  if (wave && "reason" in wave) return wave;
  return {
    project: branch.project,
    component: branch.component,
    release: markers.release,
    to: env,
    from,
    rollback: from.name === env.name,
    requestedBy: parseRequestedBy(pr.body),
    ...(wave ? { wave } : {}),
  };
}

// ---- what the branch says, where a person cannot edit it ---------------------------------------

/** A commit of a promotion branch beyond its base (the pull request's commits), as read. */
export interface BranchCommit {
  readonly sha: string;
  /** The git author, `Name <email>`. */
  readonly author: string;
  /** The accounts GitHub matched the author's and the committer's email to (undefined: none). */
  readonly authorLogin: string | undefined;
  readonly committerLogin: string | undefined;
  readonly trailers: Readonly<Record<string, readonly string[]>>;
  /** Whether its `Ferry-Seal` holds (core/gitops/seal.ts, checked by the caller with Ferry's key). */
  readonly sealed: boolean;
}

/** A promotion pull request as its branch's commits say: identified where nobody but Ferry (or the person who opened it) wrote. */
export interface VerifiedPromotion extends IdentifiedPromotion {
  /** Whether a person opened the pull request with their own token (`ferry promote`, MCP), not Ferry's bot. */
  readonly byPerson: boolean;
  /** Everyone who asked: `Ferry-Requested-By` of Ferry's sealed commits, and the person who opened it. None may approve. */
  readonly requesters: readonly string[];
  /** The commit the identity was read from (the newest commit Ferry made). */
  readonly ferryCommit: string;
  /** The app commit the release was cut from (`Ferry-Source` of that commit). */
  readonly source: SourceCommit | undefined;
  /** Commits on the branch Ferry did not make, oldest first: each fails the gates. */
  readonly foreign: readonly BranchCommit[];
  /** Logins GitHub names as author or committer of a commit Ferry did not seal: they cannot approve. */
  readonly pushers: readonly string[];
  /**
   * The break-glass on a freeze that the newest of Ferry's commits carries (`Ferry-Break-Glass`),
   * and that commit: Ferry's sealed commit, or one a person made with their own token naming
   * themselves. @default none
   */
  readonly breakGlass?: BreakGlass & { readonly commit: string };
}

const trailer = (c: BranchCommit, key: string): readonly string[] => Object.entries(c.trailers).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1] ?? [];

/**
 * Identifies a promotion pull request from its branch's commits (`commits`: base..head, oldest
 * first, the head last), never from its title or body. A commit is Ferry's when its trailers name
 * this component and environment and either its `Ferry-Seal` holds, or it is one `ferry promote`
 * made with a person's token (which cannot seal): on a pull request that person opened, GitHub
 * ties the commit to nobody but them or Ferry's bot; on one Ferry opened, GitHub ties it to one
 * person and its `Ferry-Requested-By` names that same person (who then may not approve). The
 * release, the source environment and who asked come from the newest of Ferry's commits; every
 * other commit is `foreign`. Git identities are only as good as GitHub's match of their emails:
 * what Ferry guarantees of a branch's content comes from the gates comparing it with Ferry's own
 * rendering of the verified release, not from who a commit says made it.
 */
export function verifyPromotion(
  pr: PullFacts,
  commits: readonly BranchCommit[],
  platform: { readonly spec: { readonly environments: readonly Environment[] } },
  botLogin: string | undefined,
): VerifiedPromotion | { readonly reason: string } {
  const ferry = ferryPullOf(pr, platform, botLogin);
  if ("reason" in ferry) return ferry;
  const { branch, env } = ferry;
  if (branch.kind !== "promotion") return { reason: `${pr.headRef} is a release branch, not a promotion` };
  const wave = branchWave(branch, env);
  if (wave && "reason" in wave) return wave;
  const opener = pr.author?.login ?? "";
  const byPerson = !(botLogin !== undefined ? same(opener, botLogin) : pr.author?.type === "Bot");
  const name = `${branch.project}/${branch.component}`;
  const names = (c: BranchCommit) => trailer(c, TRAILERS.component).some((v) => v === name) && trailer(c, TRAILERS.environment).some((v) => v === env.name);
  const ours = (login: string | undefined) => login === undefined || same(login, opener) || (botLogin !== undefined && same(login, botLogin));
  // `ferry promote` with a person's token on a pull request Ferry opened: a commit GitHub ties to
  // that one person, naming them as who asked (so they can never approve it).
  const selfAsked = (c: BranchCommit) => {
    const asked = trailer(c, TRAILERS.requestedBy);
    return (
      asked.length === 1 &&
      c.authorLogin !== undefined &&
      same(asked[0], c.authorLogin) &&
      (c.committerLogin === undefined || same(c.committerLogin, c.authorLogin))
    );
  };
  const made = (c: BranchCommit) => names(c) && (c.sealed || (byPerson && ours(c.authorLogin) && ours(c.committerLogin)) || selfAsked(c));
  const foreign = commits.filter((c) => !made(c));
  const latest = [...commits].reverse().find(made);
  if (!latest) return { reason: `no commit of ${pr.headRef} is one Ferry made for ${name} in ${env.name}` };
  const release = trailer(latest, TRAILERS.release)[0];
  if (release === undefined || !/^[0-9a-f]{12}$/.test(release)) return { reason: `Ferry's commit ${latest.sha.slice(0, 7)} names no release` };
  const fromName = trailer(latest, TRAILERS.promotedFrom)[0] ?? env.name;
  const from = findEnvironment(platform, fromName);
  if (!from) return { reason: `the platform has no environment ${JSON.stringify(fromName)} to promote from` };
  const requesters = new Set<string>();
  for (const c of commits)
    if ((c.sealed || selfAsked(c)) && made(c)) for (const login of trailer(c, TRAILERS.requestedBy)) if (LOGIN.test(login)) requesters.add(login);
  if (byPerson && opener) requesters.add(opener);
  const pushers = new Set<string>();
  for (const c of commits) {
    if (c.sealed && made(c)) continue;
    for (const login of [c.authorLogin, c.committerLogin]) if (login !== undefined && !(botLogin !== undefined && same(login, botLogin))) pushers.add(login);
  }
  const sourceText = trailer(latest, TRAILERS.source)[0];
  const glass = trailer(latest, TRAILERS.breakGlass).length === 1 ? parseBreakGlass(trailer(latest, TRAILERS.breakGlass)[0]!) : undefined;
  // Ferry's seal vouches for who broke glass; a person's own commit may only name that person.
  const breakGlass = glass && (latest.sealed || same(latest.authorLogin, glass.login)) ? { ...glass, commit: latest.sha } : undefined;
  const sorted = (set: Set<string>) => [...set].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  return {
    project: branch.project,
    component: branch.component,
    release,
    to: env,
    from,
    rollback: from.name === env.name,
    requestedBy: sorted(requesters)[0],
    byPerson,
    requesters: sorted(requesters),
    ferryCommit: latest.sha,
    source: sourceText === undefined ? undefined : parseSource(sourceText),
    foreign,
    pushers: sorted(pushers),
    ...(wave ? { wave } : {}),
    ...(breakGlass ? { breakGlass } : {}),
  };
}
