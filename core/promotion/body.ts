/**
 * The promotion pull request: branch, title, commit, and the hidden markers that let Ferry find
 * and update its own pull request (the Markdown body is presentation/markdown/promotion-body.ts).
 * Pure and deterministic: the same inputs give the same bytes.
 *
 * The body starts with two marker lines:
 *
 *     <!-- ferry:promotion <project>/<component> -> <env> -->
 *     <!-- ferry:release <release-id> from <source-env> -->
 *
 * A promotion into an environment on several clusters lands one pull request per wave
 * (core/promotion/waves.ts): its branch ends in `/wave-<n>`, its title names the wave and its
 * clusters, and its body carries `<!-- ferry:wave <n> <cluster>,... -->` (`waveMarker`) to find
 * it by; which wave a pull request is comes from its branch, never from the body.
 *
 * The first identifies the pull request (at most one open per component and target), the second
 * what it carries now; `parsePromotionBody` reads both back. A pull request Ferry moved to another
 * release also carries `<!-- ferry:updated-from <old> to <new> -->` (`updatedFromMarker`), which
 * `parseUpdatedFrom` reads back: never the Markdown note a person reads beside it.
 */
import { z } from "zod";
import { DnsLabel } from "../../renderers/model/index.js";
import { ReleaseId } from "../../renderers/release.js";
import { historyTrailers } from "../history.js";
import { TRAILERS } from "../gitops/trailers.js";

/** GitHub's limit on a pull request body. */
export const PR_BODY_LIMIT = 65_536;

/** What a promotion pull request promotes. */
export const PromotionSubject = z.strictObject({
  project: DnsLabel,
  component: DnsLabel,
  release: ReleaseId,
  /** The app commit the release was cut from. */
  source: z.strictObject({ repo: z.string().min(1), sha: z.string().regex(/^[0-9a-f]{7,64}$/) }),
  /** Source environment. */
  from: DnsLabel,
  /** Target environment. */
  to: DnsLabel,
  /** The release the target runs now. @default none (first release there) */
  current: ReleaseId.optional(),
  /** The release this pull request carried before this update. @default none (a new pull request) */
  updatedFrom: ReleaseId.optional(),
  /** For a target on several clusters: the wave this pull request lands and its clusters. @default every cluster at once */
  wave: z.strictObject({ wave: z.number().int().min(0), clusters: z.array(DnsLabel).min(1) }).optional(),
});
export type PromotionSubject = z.infer<typeof PromotionSubject>;

/** A promotion pull request to open or update. */
export interface PromotionPullRequest {
  readonly branch: string;
  readonly title: string;
  readonly body: string;
}

/**
 * `ferry/promote/<project>/<component>/<env>`: one branch (and open PR) per component and target;
 * `.../<env>/wave-<n>` for wave `n` of a target on several clusters.
 */
export function promotionBranch(project: string, component: string, env: string, wave?: number): string {
  return `ferry/promote/${project}/${component}/${env}${wave === undefined ? "" : `/wave-${wave}`}`;
}

/** `<!-- ferry:wave <n> <cluster>,<cluster> -->`: which wave a promotion pull request lands (to find it by; the branch says which wave it is). */
export function waveMarker(wave: { readonly wave: number; readonly clusters: readonly string[] }): string {
  return `<!-- ferry:wave ${wave.wave} ${wave.clusters.join(",")} -->`;
}

/** `<!-- ferry:promotion <project>/<component> -> <env> -->` */
export function promotionMarker(project: string, component: string, env: string): string {
  return `<!-- ferry:promotion ${project}/${component} -> ${env} -->`;
}

/** `<!-- ferry:release <id> from <env> -->` */
export function releaseMarker(release: string, from: string): string {
  return `<!-- ferry:release ${release} from ${from} -->`;
}

/** What the markers of a promotion pull request body say. */
export interface PromotionMarkers {
  readonly project: string;
  readonly component: string;
  readonly to: string;
  /** Undefined when the release marker is missing or unreadable. */
  readonly release: string | undefined;
  readonly from: string | undefined;
}

/** `<!-- ferry:updated-from <old> to <new> -->`: the pull request carried `from` before Ferry moved it to `to`. */
export function updatedFromMarker(from: string, to: string): string {
  return `<!-- ferry:updated-from ${ReleaseId.parse(from)} to ${ReleaseId.parse(to)} -->`;
}

const UPDATED_FROM_RE = /^<!-- ferry:updated-from (\S+) to (\S+) -->$/m;

/** The release a body's `updated-from` marker says the pull request carried before `to`; undefined without a valid one. */
export function parseUpdatedFrom(body: string | null | undefined): { readonly from: string; readonly to: string } | undefined {
  const m = body ? UPDATED_FROM_RE.exec(body) : null;
  if (!m || !ReleaseId.safeParse(m[1]).success || !ReleaseId.safeParse(m[2]).success) return undefined;
  return { from: m[1]!, to: m[2]! };
}

const PROMOTION_RE = /^<!-- ferry:promotion ([^/\s]+)\/(\S+) -> (\S+) -->$/m;
const RELEASE_RE = /^<!-- ferry:release (\S+) from (\S+) -->$/m;

/** Reads the markers of a pull request body; undefined when it is not a valid promotion body. */
export function parsePromotionBody(body: string | null | undefined): PromotionMarkers | undefined {
  if (!body) return undefined;
  const p = PROMOTION_RE.exec(body);
  if (!p) return undefined;
  const [, project, component, to] = p as unknown as [string, string, string, string];
  if (![project, component, to].every((v) => DnsLabel.safeParse(v).success)) return undefined;
  const r = RELEASE_RE.exec(body);
  const ok = r && ReleaseId.safeParse(r[1]).success && DnsLabel.safeParse(r[2]).success;
  return { project, component, to, release: ok ? r[1] : undefined, from: ok ? r[2] : undefined };
}

/** Title of the promotion pull request. */
export function promotionTitle(s: Pick<z.input<typeof PromotionSubject>, "project" | "component" | "release" | "from" | "to" | "wave">): string {
  const wave = s.wave ? ` (wave ${s.wave.wave}: ${s.wave.clusters.join(", ")})` : "";
  return `ferry: promote ${s.project}/${s.component} ${s.release} from ${s.from} to ${s.to}${wave}`;
}

/** Commit message and trailers of the commit on the promotion branch (see history.ts for the trailers). */
export function promotionCommit(
  s: z.input<typeof PromotionSubject>,
  approvedBy: readonly string[] = [],
): { message: string; trailers: Record<string, string[]> } {
  const subject = PromotionSubject.parse(s);
  const replaces = subject.current ? `replaces ${subject.current}` : `first release in ${subject.to}`;
  const trailers = historyTrailers({
    component: `${subject.project}/${subject.component}`,
    environment: subject.to,
    release: subject.release,
    source: subject.source,
    promotedFrom: subject.from,
    approvedBy,
  });
  if (subject.wave) {
    trailers[TRAILERS.wave] = [String(subject.wave.wave)];
    trailers[TRAILERS.clusters] = [...subject.wave.clusters];
  }
  return {
    message: `${promotionTitle(subject)}\n\nRelease ${subject.release} of ${subject.source.repo}@${subject.source.sha.slice(0, 12)} (${replaces}).`,
    trailers,
  };
}
