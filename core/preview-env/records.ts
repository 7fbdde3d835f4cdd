/**
 * The previews a GitOps target holds, read back from their folders and the commits that wrote
 * them: which pull request (the `Ferry-Preview` trailer), its components, namespaces and URLs (the
 * manifests), when it was created and last pushed (commit times), and what it costs. Pure.
 */
import type { Pricing } from "../../renderers/model/index.js";
import { estimateCost, objectsFromFiles } from "../cost.js";
import { NO_RELEASE, TRAILERS } from "../gitops/trailers.js";
import { PREVIEWS_ROOT, previewNumber } from "./layout.js";

/** One commit of a preview folder's history, newest first. */
export interface PreviewCommit {
  readonly trailers: Readonly<Record<string, readonly string[]>>;
  /** ISO 8601 UTC committer date. */
  readonly date: string;
}

/** One preview in a GitOps target. */
export interface PreviewRecord {
  /** `owner/name` of the app repository. */
  readonly repo: string;
  readonly pr: number;
  /** `previews/pr-<number>`. */
  readonly dir: string;
  /** `project/component` keys, sorted. */
  readonly components: readonly string[];
  readonly projects: readonly string[];
  readonly namespaces: readonly string[];
  /** `https://<host>` of every route, sorted. */
  readonly urls: readonly string[];
  /** When the folder was created (after any earlier removal). */
  readonly createdAt: string;
  /** The last commit: the last push Ferry recorded. */
  readonly updatedAt: string;
  /** The pull request head the last commit was made from, when recorded. */
  readonly headSha: string | undefined;
  readonly monthlyCost: number;
  readonly currency: string;
}

/** `owner/repo#7` → its parts. */
export function parsePreviewTrailer(value: string | undefined): { repo: string; pr: number } | undefined {
  const m = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)#([1-9][0-9]{0,9})$/.exec(value ?? "");
  return m ? { repo: m[1]!, pr: Number(m[2]) } : undefined;
}

/** The `Ferry-Preview` value of a pull request. */
export function previewTrailer(repo: string, pr: number): string {
  return `${repo}#${pr}`;
}

const isRemoval = (c: PreviewCommit) => (c.trailers[TRAILERS.release] ?? []).includes(NO_RELEASE);

/**
 * The previews of `files` (repository-relative, under `previews/`), each with its folder's
 * commits (newest first). A folder whose commits name no pull request is not Ferry's and is left out.
 */
export function previewRecords(
  files: ReadonlyMap<string, string>,
  histories: ReadonlyMap<number, readonly PreviewCommit[]>,
  pricing: Pricing,
): PreviewRecord[] {
  const byPr = new Map<number, Map<string, string>>();
  for (const [path, text] of files) {
    const [root, folder, ...rest] = path.split("/");
    const pr = root === PREVIEWS_ROOT && folder !== undefined ? previewNumber(folder) : undefined;
    if (pr === undefined || rest.length < 2) continue;
    const group = byPr.get(pr) ?? new Map<string, string>();
    group.set(rest.join("/"), text);
    byPr.set(pr, group);
  }
  const out: PreviewRecord[] = [];
  for (const [pr, group] of [...byPr].sort(([a], [b]) => a - b)) {
    const commits = histories.get(pr) ?? [];
    const latest = commits[0];
    const who = parsePreviewTrailer(latest?.trailers[TRAILERS.preview]?.[0]);
    if (!latest || !who || who.pr !== pr) continue;
    const removedAt = commits.findIndex(isRemoval);
    const live = removedAt < 0 ? commits : commits.slice(0, removedAt);
    const created = live[live.length - 1] ?? latest;
    const { objects } = objectsFromFiles(group);
    const cost = estimateCost(objects, pricing);
    const components = [...new Set([...group.keys()].flatMap((p) => (p.split("/").length >= 3 ? [p.split("/").slice(0, 2).join("/")] : [])))].sort();
    const projects = [...new Set(components.map((k) => k.split("/")[0]!))].sort();
    const namespaces = [...new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name))].sort();
    const hosts = objects.flatMap((o) => {
      const spec = (o as { spec?: { hostnames?: unknown; rules?: unknown } }).spec;
      if (o.kind === "HTTPRoute" && Array.isArray(spec?.hostnames)) return spec.hostnames.filter((h): h is string => typeof h === "string");
      if (o.kind === "Ingress" && Array.isArray(spec?.rules))
        return (spec.rules as { host?: unknown }[]).flatMap((r) => (typeof r.host === "string" ? [r.host] : []));
      return [];
    });
    const source = latest.trailers[TRAILERS.source]?.[0];
    const headSha = source && /@[0-9a-f]{40}$/.test(source) ? source.slice(-40) : undefined;
    out.push({
      repo: who.repo,
      pr,
      dir: `${PREVIEWS_ROOT}/pr-${pr}`,
      components,
      projects,
      namespaces,
      urls: [...new Set(hosts)].sort().map((h) => `https://${h}`),
      createdAt: isoTime(created.date),
      updatedAt: isoTime(latest.date),
      headSha,
      monthlyCost: cost.monthly,
      currency: cost.currency,
    });
  }
  return out;
}

/** An ISO 8601 UTC time to the second, as `2026-03-02T10:00:00Z`. */
export function isoTime(time: string | Date): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** When a preview expires: its last push plus the ttl. */
export function expiresAt(record: Pick<PreviewRecord, "updatedAt">, ttlSeconds: number): string {
  return isoTime(new Date(Date.parse(record.updatedAt) + ttlSeconds * 1000));
}

/** One preview as `ferry preview list --json`, ferry_previews and the portal give it. */
export interface ListedPreview {
  readonly repo: string;
  readonly pr: number;
  readonly components: readonly string[];
  /** The preview's namespace (`<project>-pr-<number>`; the first, when it spans several projects). */
  readonly namespace: string;
  readonly namespaces: readonly string[];
  readonly urls: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly monthlyCost: number;
  readonly currency: string;
}

/** A record as listed, expiring `ttlSeconds` after its last push. */
export function listedPreview(r: PreviewRecord, ttlSeconds: number): ListedPreview {
  return {
    repo: r.repo,
    pr: r.pr,
    components: r.components,
    namespace: r.namespaces[0] ?? "",
    namespaces: r.namespaces,
    urls: r.urls,
    createdAt: r.createdAt,
    expiresAt: expiresAt(r, ttlSeconds),
    monthlyCost: r.monthlyCost,
    currency: r.currency,
  };
}
