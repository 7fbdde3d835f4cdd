/**
 * Diagnosis with evidence: the input (one component in one environment, its dependencies, what
 * was read of each) and the output (ranked causes, each with the evidence it stands on). Pure data.
 */
import { z } from "zod";
import { VERDICTS } from "../signals/verify.js";
import { ComponentKey } from "../status/components.js";
import type { Diagnosis } from "../status/diagnose.js";
import type { ComponentHealth } from "../status/health.js";
import { SignalUnit } from "../../renderers/model/index.js";

const Health = z.custom<ComponentHealth>((v) => typeof v === "object" && v !== null && "status" in v, { error: "health must be a ComponentHealth" });

/** One signal as `readSignals` judged it (a `SignalJudgement`): its value, baseline, bound and series. */
export const SignalTrace = z.object({
  name: z.string(),
  unit: SignalUnit,
  value: z.number().nullable(),
  baseline: z.number().nullable(),
  max: z.number().optional(),
  verdict: z.enum(VERDICTS),
  series: z.array(z.tuple([z.number(), z.number()]).readonly()).readonly(),
});
export type SignalTrace = z.input<typeof SignalTrace>;

/** The last lines of one container's current log (read for the diagnosis: the pods may be Ready and still failing requests). */
export const PodLog = z.object({
  pod: z.string(),
  container: z.string(),
  lines: z.array(z.string()).readonly(),
});
export type PodLog = z.input<typeof PodLog>;

/** A dependency of the component: its health in the cluster (undefined: not running there, or not looked at) and its signals. */
export const DependencyEvidence = z.object({
  key: ComponentKey,
  endpoint: z.string().optional(),
  /** Whether the cluster was read: without it, an undefined health says nothing. */
  healthObserved: z.boolean().default(true),
  health: Health.optional(),
  signals: z.array(SignalTrace).readonly().default([]),
  /** Its pods' log tails: their first error lines are the dependency cause's evidence. */
  logs: z.array(PodLog).readonly().default([]),
});
export type DependencyEvidence = z.input<typeof DependencyEvidence>;

/** Input of `diagnoseCauses`. */
export const CausesInput = z.object({
  key: ComponentKey,
  health: Health,
  /** The release the environment's GitOps history says runs there. */
  release: z.string().optional(),
  /** When it landed (unix seconds). */
  landedAt: z.number().optional(),
  signals: z.array(SignalTrace).readonly().default([]),
  dependencies: z.array(DependencyEvidence).readonly().default([]),
  /** The component's pods' log tails: their first error lines are the evidence of the causes about this component. */
  logs: z.array(PodLog).readonly().default([]),
  /** What could not be read (carried into the output's notes). */
  notes: z.array(z.string()).readonly().default([]),
});
export type CausesInput = z.input<typeof CausesInput>;

export const EVIDENCE_KINDS = ["signal", "pod", "event", "log", "dependency"] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** One fact a cause stands on: a number of a signal, a pod's state, a warning event, a log line, a dependency's state. */
export interface Evidence {
  readonly kind: EvidenceKind;
  readonly text: string;
  readonly value?: number;
  /** Unix seconds. */
  readonly at?: number;
}

/** What a cause blames: a dependency, this release, this component's pods, or a signal that moved on its own. */
export const CAUSE_KINDS = ["dependency", "release", "pods", "signal"] as const;
export type CauseKind = (typeof CAUSE_KINDS)[number];

export const CONFIDENCES = ["high", "medium", "low"] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export interface Cause {
  readonly kind: CauseKind;
  /** What it blames: `project/component`, the release id, a finding's kind, a signal's name. */
  readonly subject: string;
  readonly summary: string;
  /** 1 is the most likely. */
  readonly rank: number;
  readonly confidence: Confidence;
  readonly evidence: readonly Evidence[];
  /** An environment on several clusters: the cluster whose evidence this is. */
  readonly cluster?: string;
}

/** The existing diagnosis (findings from pods and dependencies' health) plus the ranked causes. */
export interface CausesDiagnosis extends Diagnosis {
  readonly release?: string;
  readonly landedAt?: number;
  readonly causes: readonly Cause[];
  /** Whether any of the component's signals was read: without it, no cause is no all-clear. */
  readonly observed: boolean;
  /** What limits the diagnosis: signals not observed, a cluster not read. */
  readonly notes: readonly string[];
}
