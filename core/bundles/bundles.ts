/**
 * Bundles as data: which bundle governs a component in an environment, the bundle's pull request
 * branch (`ferry/bundle/<name>/<env>`), its commit (one commit naming every member's release,
 * `Ferry-Component` paired by position with `Ferry-Release` and `Ferry-Source`, plus
 * `Ferry-Bundle`), and reading a bundle pull request back from its branch's commits (never from
 * its body). Pure.
 */
import type { Bundle, Environment, Platform } from "../../renderers/model/index.js";
import { DnsLabel } from "../../renderers/model/index.js";
import { findEnvironment } from "../../renderers/platform.js";
import { formatCommitMessage, TRAILERS } from "../gitops/trailers.js";
import { parseSource } from "../history.js";
import type { SourceCommit } from "../history.js";
import { pipelinePath } from "../promotion/pipeline.js";
import type { BranchCommit, PullFacts, VerifiedPromotion } from "../promotion/pr.js";

export const BUNDLE_PREFIX = "ferry/bundle/";

/** The platform's bundles (none when it declares none). */
export function bundlesOf(platform: Pick<Platform, "spec">): readonly Bundle[] {
  return platform.spec.bundles ?? [];
}

/** The bundle called `name`. */
export function bundleNamed(platform: Pick<Platform, "spec">, name: string): Bundle | undefined {
  return bundlesOf(platform).find((b) => b.name === name);
}

/** Whether `project/component` is one of the bundle's components. */
export function inBundle(bundle: Bundle, project: string, component: string): boolean {
  return bundle.project !== undefined ? bundle.project === project : (bundle.components ?? []).includes(`${project}/${component}`);
}

/** The bundle `project/component` belongs to, if any (the platform check allows one at most). */
export function bundleOf(platform: Platform, project: string, component: string): Bundle | undefined {
  return bundlesOf(platform).find((b) => inBundle(b, project, component));
}

/** Whether promotions out of `env` (and rollbacks in it) move the bundle as one: `env` is its `from` or after it in the pipeline. */
export function bundledAt(platform: Platform, bundle: Bundle, env: string): boolean {
  return env === bundle.from || pipelinePath(platform, bundle.from, env) !== undefined;
}

/** The bundle that moves `project/component` out of (or, for a rollback, in) `env`; undefined when it moves alone there. */
export function governingBundle(platform: Platform, project: string, component: string, env: string): Bundle | undefined {
  const b = bundleOf(platform, project, component);
  return b && bundledAt(platform, b, env) ? b : undefined;
}

/** Why `name` (`project/component`) is not promoted alone into `to`: it moves with its bundle. */
export function bundleRefusal(bundle: Bundle, name: string, to: string): string {
  const others = bundle.project !== undefined ? `every component of project ${bundle.project}` : (bundle.components ?? []).filter((c) => c !== name).join(", ");
  return `${name} is in bundle ${bundle.name}: from ${bundle.from} on it is promoted only together with ${others}, as one pull request (${bundleBranch(bundle.name, to)})`;
}

/** A bundle member, `project` and `component`. */
export interface MemberRef {
  readonly project: string;
  readonly component: string;
}

/**
 * The bundle's components, sorted: its `components`, or for a whole project the components of
 * that project `known` lists (what the source environment runs).
 */
export function bundleMembers(bundle: Bundle, known: Iterable<MemberRef>): MemberRef[] {
  const keys =
    bundle.project !== undefined
      ? [...known].filter((m) => m.project === bundle.project).map((m) => `${m.project}/${m.component}`)
      : [...(bundle.components ?? [])];
  return [...new Set(keys)].sort().map((k) => {
    const [project = "", component = ""] = k.split("/");
    return { project, component };
  });
}

/** `ferry/bundle/<name>/<env>`: one branch (and open pull request) per bundle and target. */
export function bundleBranch(name: string, env: string): string {
  return `${BUNDLE_PREFIX}${name}/${env}`;
}

/** Reads a bundle branch name; undefined for any other branch. */
export function parseBundleBranch(ref: string): { readonly bundle: string; readonly env: string } | undefined {
  if (!ref.startsWith(BUNDLE_PREFIX)) return undefined;
  const parts = ref.slice(BUNDLE_PREFIX.length).split("/");
  if (parts.length !== 2 || !parts.every((p) => DnsLabel.safeParse(p).success)) return undefined;
  return { bundle: parts[0]!, env: parts[1]! };
}

/** One member of a bundle promotion: the release it carries, where it was cut, and what the target runs now. */
export interface BundleItem extends MemberRef {
  readonly release: string;
  readonly source: SourceCommit;
  readonly current?: string | undefined;
}

/** What a bundle pull request carries: `from === to` for a rollback. */
export interface BundleSubject {
  readonly bundle: string;
  readonly from: string;
  readonly to: string;
  /** Sorted by component. */
  readonly items: readonly BundleItem[];
}

/** Title of a bundle pull request (and of its commits). */
export function bundleTitle(s: Pick<BundleSubject, "bundle" | "from" | "to">): string {
  return s.from === s.to ? `ferry: roll back bundle ${s.bundle} in ${s.to}` : `ferry: promote bundle ${s.bundle} from ${s.from} to ${s.to}`;
}

/** Message and trailers of the bundle's commit: every member's release, paired by position. */
export function bundleCommit(s: BundleSubject, approvedBy: readonly string[] = []): { title: string; message: string; trailers: Record<string, string[]> } {
  const title = bundleTitle(s);
  const lines = s.items.map(
    (i) =>
      `- ${i.project}/${i.component}: ${i.release} of ${i.source.repo}@${i.source.sha.slice(0, 12)} (${i.current ? `replaces ${i.current}` : `first release in ${s.to}`})`,
  );
  const trailers: Record<string, string[]> = {
    [TRAILERS.bundle]: [s.bundle],
    [TRAILERS.component]: s.items.map((i) => `${i.project}/${i.component}`),
    [TRAILERS.environment]: [s.to],
    [TRAILERS.release]: s.items.map((i) => i.release),
    [TRAILERS.source]: s.items.map((i) => `${i.source.repo}@${i.source.sha}`),
  };
  if (s.from !== s.to) trailers[TRAILERS.promotedFrom] = [s.from];
  if (approvedBy.length > 0) trailers[TRAILERS.approvedBy] = [...approvedBy].sort();
  return { title, message: `${title}\n\n${lines.join("\n")}`, trailers };
}

/** `commit_title` and `commit_message` of Ferry's squash merge of a bundle: one commit naming every release and the approvers. */
export function bundleMergeFields(s: BundleSubject, approvedBy: readonly string[]): { commit_title: string; commit_message: string } {
  const { title, message, trailers } = bundleCommit(s, approvedBy);
  const full = formatCommitMessage(message, trailers);
  return {
    commit_title: title,
    commit_message: full
      .slice(full.indexOf("\n") + 1)
      .replace(/^\n+/, "")
      .replace(/\n$/, ""),
  };
}

/** A bundle pull request as its branch's commits say: the target, the source, and each member verified as a promotion of its own. */
export interface VerifiedBundle {
  readonly bundle: Bundle;
  readonly to: Environment;
  readonly from: Environment;
  readonly rollback: boolean;
  /** One per member, sorted by component, each as core/promotion/pr.ts `verifyPromotion` would say of it. */
  readonly members: readonly VerifiedPromotion[];
}

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();
const trailer = (c: BranchCommit, key: string): readonly string[] => Object.entries(c.trailers).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1] ?? [];
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

/**
 * Identifies a bundle pull request from its branch's commits (base..head, oldest first): a commit
 * is Ferry's when its `Ferry-Bundle` and `Ferry-Environment` name this bundle and target and its
 * `Ferry-Seal` holds (or, on a pull request a person opened with their own token, GitHub ties it
 * to nobody but them or Ferry's bot). The members, their releases and sources come from the newest
 * such commit; every other commit is foreign (and fails every member's gates).
 */
export function verifyBundle(
  pr: PullFacts,
  commits: readonly BranchCommit[],
  platform: Platform,
  botLogin: string | undefined,
): VerifiedBundle | { readonly reason: string } {
  const branch = parseBundleBranch(pr.headRef);
  if (!branch) return { reason: `${pr.headRef} is not a bundle branch` };
  if (!same(pr.headRepo, pr.repo)) return { reason: `the branch is in ${pr.headRepo ?? "a deleted fork"}, not in ${pr.repo}` };
  const bundle = bundleNamed(platform, branch.bundle);
  if (!bundle) return { reason: `the platform has no bundle ${JSON.stringify(branch.bundle)}` };
  const env = findEnvironment(platform, branch.env);
  if (!env) return { reason: `the platform has no environment ${JSON.stringify(branch.env)}` };
  if (!same(env.gitops.repo, pr.repo) || env.gitops.branch !== pr.baseRef)
    return { reason: `${env.name} lives in ${env.gitops.repo} on ${env.gitops.branch}, not ${pr.repo} on ${pr.baseRef}` };
  const opener = pr.author?.login ?? "";
  const byFerry = botLogin !== undefined ? same(opener, botLogin) : pr.author?.type === "Bot";
  const byPerson = !byFerry && pr.author?.type !== "Bot" && opener !== "";
  if (!byFerry && !byPerson) return { reason: `opened by ${opener || "an unknown user"}, not by Ferry` };
  const ours = (login: string | undefined) => login === undefined || same(login, opener) || (botLogin !== undefined && same(login, botLogin));
  const names = (c: BranchCommit) => trailer(c, TRAILERS.bundle).includes(bundle.name) && trailer(c, TRAILERS.environment).includes(env.name);
  const made = (c: BranchCommit) => names(c) && (c.sealed || (byPerson && ours(c.authorLogin) && ours(c.committerLogin)));
  const foreign = commits.filter((c) => !made(c));
  const latest = [...commits].reverse().find(made);
  if (!latest) return { reason: `no commit of ${pr.headRef} is one Ferry made for bundle ${bundle.name} in ${env.name}` };
  const components = trailer(latest, TRAILERS.component);
  const releases = trailer(latest, TRAILERS.release);
  const sources = trailer(latest, TRAILERS.source);
  if (components.length === 0 || releases.length !== components.length || sources.length !== components.length)
    return { reason: `Ferry's commit ${latest.sha.slice(0, 7)} does not pair each component with a release and a source` };
  const fromName = trailer(latest, TRAILERS.promotedFrom)[0] ?? env.name;
  const from = findEnvironment(platform, fromName);
  if (!from) return { reason: `the platform has no environment ${JSON.stringify(fromName)} to promote from` };
  const requesters = new Set<string>();
  for (const c of commits) if (made(c)) for (const login of trailer(c, TRAILERS.requestedBy)) if (LOGIN.test(login)) requesters.add(login);
  if (byPerson) requesters.add(opener);
  const pushers = new Set<string>();
  for (const c of commits) {
    if (c.sealed && made(c)) continue;
    for (const login of [c.authorLogin, c.committerLogin]) if (login !== undefined && !(botLogin !== undefined && same(login, botLogin))) pushers.add(login);
  }
  const sorted = (set: Set<string>) => [...set].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  const members: VerifiedPromotion[] = [];
  for (const [i, key] of components.entries()) {
    const [project = "", component = ""] = key.split("/");
    const release = releases[i]!;
    if (!inBundle(bundle, project, component)) return { reason: `${key} on ${pr.headRef} is not in bundle ${bundle.name}` };
    if (!/^[0-9a-f]{12}$/.test(release)) return { reason: `Ferry's commit ${latest.sha.slice(0, 7)} names no release of ${key}` };
    members.push({
      project,
      component,
      release,
      to: env,
      from,
      rollback: from.name === env.name,
      requestedBy: sorted(requesters)[0],
      byPerson,
      requesters: sorted(requesters),
      ferryCommit: latest.sha,
      source: parseSource(sources[i]!),
      foreign,
      pushers: sorted(pushers),
    });
  }
  return { bundle, to: env, from, rollback: from.name === env.name, members };
}
