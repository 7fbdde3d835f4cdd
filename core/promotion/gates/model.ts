/**
 * What every gate of a promotion pull request shares: the input they are all evaluated from
 * (parsed once, at the edge), the shape of one gate's result, and the shape of a gate module.
 */
import { z } from "zod";
import type { Diagnostic } from "../../../renderers/diagnostics.js";
import { DnsLabel, Environment, Freeze, PipelineStep, Verify } from "../../../renderers/model/index.js";
import { ReleaseId } from "../../../renderers/release.js";
import { HealthReport } from "../health.js";
import { ClusterVerification } from "../waves.js";
import { UserPermission } from "../commands.js";
import { VERIFICATION_SIGNALS } from "../../status/deployment-signals.js";

export const GATE_NAMES = ["policies", "approvals", "source-health", "verified", "soak", "window", "freeze", "wave"] as const;
export type GateName = (typeof GATE_NAMES)[number];
export type GateState = "pass" | "fail" | "pending" | "not-observed";
export type GateConclusion = "success" | "failure" | "action_required" | "neutral";

/** One gate: its state and why. */
export interface Gate {
  readonly name: GateName;
  readonly state: GateState;
  readonly summary: string;
}

/** A pull request review as GitHub's REST API returns it (only the fields used are checked). */
export const Review = z.looseObject({
  id: z.number().optional(),
  user: z.looseObject({ login: z.string(), type: z.string().optional() }).nullable(),
  state: z.string(),
  commit_id: z.string().nullable().optional(),
  submitted_at: z.string().nullable().optional(),
});
export type Review = z.infer<typeof Review>;

const Finding = z.custom<Diagnostic>(
  (v) => typeof v === "object" && v !== null && ["error", "warning"].includes((v as Diagnostic).severity) && typeof (v as Diagnostic).message === "string",
  { error: "not a diagnostic (severity error|warning and a message)" },
);

/**
 * The release's verification in the environment whose incoming pipeline step has `verify`: the
 * source environment of a promotion, the environment itself for a rollback. Read from the
 * deployment statuses Ferry posted there (core/status/deployment-signals.ts).
 */
export const SourceVerification = z.strictObject({
  /** The environment the records are of. */
  environment: DnsLabel,
  /** The `verify` of the pipeline step into that environment. */
  verify: Verify,
  /** The release's verification record there (a failure sticks); none: nothing was posted yet. */
  record: z
    .strictObject({
      signal: z.enum(VERIFICATION_SIGNALS),
      at: z.date(),
      /** The status's description (`Verification failed: errorRate 0.2 > max 0.01 (baseline 0.001)`). @default none */
      description: z.string().optional(),
    })
    .optional(),
  /** Why the records could not be read: the gate cannot see, so it blocks. @default read */
  unreadable: z.string().min(1).optional(),
});
export type SourceVerification = z.infer<typeof SourceVerification>;

/**
 * The earlier waves of a promotion that lands one wave of a target on several clusters
 * (core/promotion/waves.ts), as read when the gates are judged: what each cluster's folder holds
 * on the target's branch, and the health (and verification, where the step has `verify`) of each
 * cluster of an earlier wave that holds the release.
 */
export const EarlierWaves = z.strictObject({
  /** The wave the pull request lands (its branch names it). */
  wave: z.number().int().min(1),
  /** The release each cluster's folder holds on the target's branch, by cluster; a cluster missing holds none. */
  deployed: z.record(z.string(), z.string()),
  /** Each such cluster's health (`HealthQuery.cluster`); a cluster missing is not observed. */
  health: z.record(z.string(), HealthReport),
  /** Each such cluster's verification where the step has `verify`. @default not read: the gate then holds */
  verification: z.record(z.string(), ClusterVerification).optional(),
});
export type EarlierWaves = z.infer<typeof EarlierWaves>;

/** Everything the gates are evaluated from. */
export const GatesInput = z.strictObject({
  /** The release the pull request promotes. */
  release: ReleaseId,
  /** The environment promoted into. */
  target: Environment,
  /** The environment promoted from. */
  source: Environment,
  /** The pipeline step `source` → `target` (its `soak`). @default no soak */
  step: PipelineStep.optional(),
  /** Compile and policy findings of the release rendered for `target`. */
  diagnostics: z.array(Finding),
  /** The pull request's reviews, as `pulls.listReviews` returns them. */
  reviews: z.array(Review),
  /** The pull request's head commit. */
  headSha: z.string().min(1),
  /** Login of the pull request's author. */
  author: z.string().min(1),
  /** Logins who may not approve either. @default none */
  nonApprovers: z.array(z.string()).default([]),
  /** Teams (slugs) of each reviewer, by login; needed when `target.approvals.teams` is set. @default none */
  teams: z.record(z.string(), z.array(z.string())).default({}),
  /**
   * Each reviewer's role on the GitOps repository (GitHub's collaborator permission), by login:
   * an approval counts only from `write` or above; a request for changes is ignored from a role
   * known to be below. A reviewer missing here never counts.
   */
  permissions: z.record(z.string(), UserPermission),
  /** Logins who authored or committed a commit on the branch that Ferry did not seal: they cannot approve. @default none */
  pushers: z.array(z.string()).default([]),
  /** The source environment's health for this component. */
  health: HealthReport,
  /** A rollback puts back what the target ran before: the source's health and soak are never demanded. @default false */
  rollback: z.boolean().default(false),
  /**
   * The release's verification where the pipeline step into the source environment (the target,
   * for a rollback) has `verify`; the `verified` gate demands it and the soak counts from it.
   * @default none: that step has no `verify`
   */
  verification: SourceVerification.optional(),
  /** When the release landed in the source environment (its GitOps commit); soak counts from it when health is not observed. @default unknown */
  landedAt: z.date().optional(),
  /** The platform's freezes (`spec.freezes`); the gate picks those covering the target now. @default none */
  freezes: z.array(Freeze).default([]),
  /**
   * The break-glass of the branch's newest Ferry commit (its `Ferry-Break-Glass` trailer), the
   * commit it is on, and the breaker's role on the component's app repository, read live.
   * @default none
   */
  breakGlass: z.strictObject({ login: z.string().min(1), reason: z.string().min(1), commit: z.string().min(1), permission: UserPermission }).optional(),
  /** For a pull request landing one wave of a target on several clusters: its earlier waves (the `wave` gate). @default none: not a wave */
  waves: EarlierWaves.optional(),
  now: z.date(),
});
export type GatesInput = z.infer<typeof GatesInput>;

/**
 * One gate module: its name, the fields of {@link GatesInput} it reads, and its logic. Every gate
 * is one of these, listed in `gates/index.ts`.
 */
export interface GateDefinition<K extends keyof GatesInput = keyof GatesInput> {
  readonly name: GateName;
  /** The fields of the gates' input this gate reads. */
  readonly reads: readonly K[];
  evaluate(input: Pick<GatesInput, K>): Gate;
}

export const gate = (name: GateName, state: GateState, summary: string): Gate => ({ name, state, summary });
