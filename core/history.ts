/**
 * Promotion history: which release each environment ran, since when, and by which commit, read
 * from the trailers of the GitOps repositories' commits. Pure: the caller reads the commits.
 *
 * Ferry's trailers, and how a commit about several components pairs them, are described in
 * core/gitops/trailers.ts (`TRAILERS`). Commits without `Ferry-Component` or
 * `Ferry-Environment` are not Ferry's (a person edited the repository) and are skipped; commits
 * whose trailers cannot be read are listed in `ignored` with the reason.
 */
import { formatUtc } from "./time.js";
import { z } from "zod";
import { DnsLabel } from "../renderers/model/index.js";
import { ReleaseId } from "../renderers/release.js";
import { NO_RELEASE, TRAILERS } from "./gitops/trailers.js";
import { parseBreakGlass } from "./promotion/freezes.js";
import type { BreakGlass } from "./promotion/freezes.js";
import { clusterEnvironmentName } from "./status/cluster-environment.js";

/** One commit of a GitOps repository with its parsed trailers (keys as written; matched case-insensitively). */
export const GitOpsCommit = z.strictObject({
  sha: z.string().regex(/^[0-9a-f]{7,64}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a commit sha` }),
  date: z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), { error: "not a valid date" }),
  trailers: z.record(z.string(), z.array(z.string()).readonly()),
  message: z.string(),
  /** `owner/name` of the repository the commit is in, for links. @default unknown */
  repo: z.string().optional(),
  /** The cluster whose folder the commit was read from, for an environment on several clusters read per cluster. */
  cluster: DnsLabel.optional(),
});
export type GitOpsCommit = z.infer<typeof GitOpsCommit>;
export type GitOpsCommitInput = z.input<typeof GitOpsCommit>;

/** `<owner>/<repo>@<sha>` split. */
export interface SourceCommit {
  readonly repo: string;
  readonly sha: string;
}

/** One change of one environment: a release landing there (or the component leaving). */
export interface HistoryEntry {
  readonly environment: string;
  /** For an environment on several clusters read per cluster (`ferry history`): the cluster that ran the release from this commit on. */
  readonly cluster?: string;
  /** The release the environment ran from this commit on; undefined when the component was removed. */
  readonly release: string | undefined;
  readonly date: Date;
  readonly commit: string;
  /** GitOps repository of the commit, when the caller said. */
  readonly repo: string | undefined;
  /** The app commit the release was cut from, when the trailer says. */
  readonly source: SourceCommit | undefined;
  readonly promotedFrom: string | undefined;
  readonly approvedBy: readonly string[];
  /** Who broke glass on a freeze to land it, and why (`Ferry-Break-Glass`). @default none */
  readonly breakGlass?: BreakGlass | undefined;
  /**
   * The clusters the commit wrote (`Ferry-Clusters`: one wave of an environment on several
   * clusters), sorted. @default every cluster of the environment
   */
  readonly clusters?: readonly string[];
}

/** Per environment, newest first. */
export interface ComponentHistory {
  /** `<project>/<component>` */
  readonly component: string;
  readonly environments: ReadonlyMap<string, readonly HistoryEntry[]>;
  /** Commits that could not be read (bad sha or date), or name this component with unreadable trailers. */
  readonly ignored: readonly { readonly commit: string; readonly reason: string }[];
}

/** The trailers a commit putting `release` (or a removal) into `environment` carries. */
export function historyTrailers(entry: {
  readonly component: string;
  readonly environment: string;
  readonly release: string | undefined;
  readonly source?: SourceCommit;
  readonly promotedFrom?: string;
  readonly approvedBy?: readonly string[];
}): Record<string, string[]> {
  const out: Record<string, string[]> = {
    [TRAILERS.component]: [entry.component],
    [TRAILERS.environment]: [entry.environment],
    [TRAILERS.release]: [entry.release ?? NO_RELEASE],
  };
  if (entry.source) out[TRAILERS.source] = [`${entry.source.repo}@${entry.source.sha}`];
  if (entry.promotedFrom) out[TRAILERS.promotedFrom] = [entry.promotedFrom];
  if (entry.approvedBy && entry.approvedBy.length > 0) out[TRAILERS.approvedBy] = [...entry.approvedBy].sort();
  return out;
}

function trailer(commit: GitOpsCommit, name: string): string[] {
  const want = name.toLowerCase();
  return Object.entries(commit.trailers)
    .filter(([k]) => k.toLowerCase() === want)
    .flatMap(([, v]) => v.map((x) => x.trim()));
}

/** Reads `owner/repo@sha`; undefined when it is not of that form. */
export function parseSource(value: string): SourceCommit | undefined {
  const m = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)@([0-9a-f]{7,64})$/.exec(value.trim());
  return m ? { repo: m[1]!, sha: m[2]! } : undefined;
}

/** The value of a trailer for the component at `index` of a commit: paired by position, or one for all. */
function paired(values: readonly string[], index: number, count: number): string | undefined | Error {
  if (values.length === 0) return undefined;
  if (values.length === 1) return values[0];
  if (values.length === count) return values[index];
  return new Error(`${values.length} values for ${count} components`);
}

/** The history of one component (`<project>/<component>`) from commits of any order and repositories. */
export function componentHistory(commits: readonly GitOpsCommitInput[], component: string): ComponentHistory {
  const ignored: { commit: string; reason: string }[] = [];
  const parsed: GitOpsCommit[] = [];
  for (const input of commits) {
    const r = GitOpsCommit.safeParse(input);
    if (r.success) parsed.push(r.data);
    else ignored.push({ commit: String((input as { sha?: unknown }).sha), reason: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
  }
  const order = parsed.map((c, i) => ({ c, i })).sort((a, b) => b.c.date.getTime() - a.c.date.getTime() || a.i - b.i);
  const envs = new Map<string, HistoryEntry[]>();
  for (const { c } of order) {
    const components = trailer(c, TRAILERS.component);
    const index = components.indexOf(component);
    if (index < 0) continue;
    const problems: string[] = [];
    const pick = (name: string): string | undefined => {
      const v = paired(trailer(c, name), index, components.length);
      if (v instanceof Error) {
        problems.push(`${name}: ${v.message}`);
        return undefined;
      }
      return v;
    };
    const environment = pick(TRAILERS.environment);
    const release = pick(TRAILERS.release);
    const source = pick(TRAILERS.source);
    const promotedFrom = pick(TRAILERS.promotedFrom);
    if (environment === undefined) problems.push(`${TRAILERS.environment} is missing`);
    else if (!DnsLabel.safeParse(environment).success) problems.push(`${TRAILERS.environment} ${JSON.stringify(environment)} is not an environment name`);
    if (release === undefined) problems.push(`${TRAILERS.release} is missing`);
    else if (release !== NO_RELEASE && !ReleaseId.safeParse(release).success)
      problems.push(`${TRAILERS.release} ${JSON.stringify(release)} is not a release id`);
    const sourceCommit = source === undefined ? undefined : parseSource(source);
    if (source !== undefined && !sourceCommit) problems.push(`${TRAILERS.source} ${JSON.stringify(source)} is not owner/repo@sha`);
    if (problems.length > 0 || environment === undefined) {
      ignored.push({ commit: c.sha, reason: problems.join("; ") });
      continue;
    }
    const approvedBy = [
      ...new Set(
        trailer(c, TRAILERS.approvedBy)
          .flatMap((v) => v.split(","))
          .map((v) => v.trim().replace(/^@/, ""))
          .filter((v) => v !== ""),
      ),
    ].sort();
    const glass = trailer(c, TRAILERS.breakGlass);
    const breakGlass = glass.length === 1 ? parseBreakGlass(glass[0]!) : undefined;
    const clusters = [...new Set(trailer(c, TRAILERS.clusters).filter((v) => v !== ""))].sort();
    const list = envs.get(environment) ?? [];
    list.push({
      ...(breakGlass ? { breakGlass } : {}),
      environment,
      ...(c.cluster !== undefined ? { cluster: c.cluster } : {}),
      release: release === NO_RELEASE ? undefined : release,
      date: c.date,
      commit: c.sha,
      repo: c.repo,
      source: sourceCommit,
      promotedFrom,
      approvedBy,
      ...(clusters.length > 0 ? { clusters } : {}),
    });
    envs.set(environment, list);
  }
  return { component, environments: new Map([...envs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), ignored };
}

/** What an environment runs now (undefined when never deployed or removed). */
export function currentRelease(history: ComponentHistory, env: string): HistoryEntry | undefined {
  const latest = history.environments.get(env)?.[0];
  return latest?.release === undefined ? undefined : latest;
}

/**
 * Since when `cluster` of an environment runs `release`, from the environment's history (newest
 * first): the oldest entry of the newest unbroken run of `release` among the entries that wrote
 * that cluster (an entry without `clusters` wrote every cluster). Undefined when the history
 * does not say the cluster runs `release` now.
 */
export function clusterSince(entries: readonly HistoryEntry[], cluster: string, release: string): Date | undefined {
  const mine = entries.filter((e) => e.clusters === undefined || e.clusters.includes(cluster));
  let since: Date | undefined;
  for (const e of mine) {
    if (e.release !== release) break;
    since = e.date;
  }
  return since;
}

/** Every release id that ever ran in any environment. */
export function releasesSeen(history: ComponentHistory): Set<string> {
  const out = new Set<string>();
  for (const list of history.environments.values()) for (const e of list) if (e.release) out.add(e.release);
  return out;
}

/** Options of the history tables. */
export interface HistoryTableOptions {
  /** Environments in this order first (e.g. the pipeline's), the others after, by name. @default by name */
  readonly order?: readonly string[];
  /** Rows per environment. @default 5 */
  readonly limit?: number;
  /** For commit links in markdown. @default "https://github.com" */
  readonly serverUrl?: string;
}

/** One row of the history tables. */
export interface Row {
  env: string;
  entry: HistoryEntry;
}

/** The rows of the history tables: per environment (in `opts.order`), the latest `opts.limit` entries. */
export function historyRows(history: ComponentHistory, opts: HistoryTableOptions): Row[] {
  const order = opts.order ?? [];
  const names = [...history.environments.keys()].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const limit = opts.limit ?? 5;
  return names.flatMap((env) => (history.environments.get(env) ?? []).slice(0, limit).map((entry) => ({ env, entry })));
}

const short = (sha: string) => sha.slice(0, 7);

/** Plain aligned table for `ferry history`. */
export function formatHistoryText(history: ComponentHistory, opts: HistoryTableOptions = {}): string {
  const all = historyRows(history, opts);
  if (all.length === 0) return `No environment has run ${history.component} yet.\n`;
  const table = [
    ["ENVIRONMENT", "RELEASE", "SINCE", "COMMIT", "SOURCE", "APPROVED BY"],
    ...all.map(({ env, entry }) => [
      clusterEnvironmentName(env, entry.cluster),
      entry.release ?? "(removed)",
      formatUtc(entry.date),
      entry.repo ? `${entry.repo}@${short(entry.commit)}` : short(entry.commit),
      entry.source ? `${entry.source.repo}@${short(entry.source.sha)}` : "-",
      entry.approvedBy.length > 0 ? entry.approvedBy.join(",") : "-",
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return (
    table
      .map((r) =>
        r
          .map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]!)))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

/** The entry where `release` (default: the newest one) landed in one environment's history (newest first): the oldest of the newest run of entries with it. */
export function releaseLanding(entries: readonly HistoryEntry[], release?: string): HistoryEntry | undefined {
  const want = release ?? entries[0]?.release;
  if (want === undefined) return undefined;
  const start = entries.findIndex((h) => h.release === want);
  if (start < 0) return undefined;
  let i = start;
  while (i + 1 < entries.length && entries[i + 1]!.release === want) i++;
  return entries[i];
}
