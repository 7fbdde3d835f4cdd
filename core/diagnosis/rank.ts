/**
 * Ranks the likely causes of one component's trouble in one environment, deterministically, from
 * what was read: which signals moved and when relative to the release landing, its pods' states,
 * warning events and log lines, and its dependencies' health and signals. An upstream whose signals
 * moved first (before this component's) outranks the release; a rise right after the release
 * landed with nothing upstream before it blames the release. Each cause carries its evidence. Pure.
 */
import { diagnose } from "../status/diagnose.js";
import { keyString } from "../status/components.js";
import { HARD_FAILURES, type ReasonKind, type WarningSummary } from "../status/health.js";
import { FINE } from "../status/overview.js";
import { earliest, firstMovement, type Movement } from "./movement.js";
import { CAUSE_KINDS, CausesInput, type Cause, type CauseKind, type CausesDiagnosis, type Confidence, type Evidence } from "./model.js";
import { errorLogEvidence, eventEvidence, podEvidence, unixSeconds } from "./pod-evidence.js";

/** A rise this many seconds before the landing still counts as the release's (clocks and scrape steps). */
export const AROUND_SECONDS = 5;

interface Candidate {
  kind: CauseKind;
  subject: string;
  summary: string;
  score: number;
  evidence: Evidence[];
  /** When what it blames first moved (unix seconds): of two equally likely causes, the earlier one ranks first. */
  at?: number;
}

/** `2026-03-10 09:30:05 UTC` */
export function clock(at: number): string {
  return `${new Date(at * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

function relative(at: number, landedAt: number | undefined, release: string | undefined): string {
  if (landedAt === undefined) return "";
  const d = at - landedAt;
  const r = release ? `release ${release}` : "the release";
  return d >= 0 ? `, ${d}s after ${r} landed` : `, ${-d}s before ${r} landed`;
}

function movementEvidence(m: Movement, whose: string, landedAt: number | undefined, release: string | undefined): Evidence {
  const bound = m.crossed === "max" && m.max !== undefined ? `, above its bound ${num(m.max)}` : "";
  return {
    kind: "signal",
    text: `${m.signal} of ${whose} rose from ${num(m.reference)} (${m.referenceIs}) to ${num(m.value)} at ${clock(m.at)}${relative(m.at, landedAt, release)}${bound}; now ${num(m.now)}`,
    value: m.value,
    at: m.at,
  };
}

/** The component's warning events last seen since `from` (unix seconds): what its objects reported after the release landed. */
function eventsSince(warnings: readonly WarningSummary[], from: number): Evidence[] {
  return warnings
    .map((w) => ({ w, at: unixSeconds(w.lastSeen) }))
    .filter((x): x is { w: WarningSummary; at: number } => x.at !== undefined && x.at >= from)
    .sort((a, b) => a.at - b.at || compare(`${a.w.object}/${a.w.reason}`, `${b.w.object}/${b.w.reason}`))
    .map(({ w }) => eventEvidence(w));
}

function confidence(score: number): Confidence {
  return score >= 80 ? "high" : score >= 50 ? "medium" : "low";
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The findings of `diagnose` plus the ranked causes with their evidence. */
export function diagnoseCauses(input: CausesInput): CausesDiagnosis {
  const { key, health, release, landedAt, signals, dependencies, logs, notes: given } = CausesInput.parse(input);
  const ownLogs = errorLogEvidence(logs);
  const deps = [...dependencies].sort((a, b) => compare(keyString(a.key), keyString(b.key)));
  const base = diagnose({
    key,
    health,
    dependencies: deps
      .filter((d) => d.healthObserved)
      .map((d) => ({ key: d.key, health: d.health, ...(d.endpoint !== undefined ? { endpoint: d.endpoint } : {}) })),
  });
  const self = `${key.project}/${key.component}`;
  const notes = [...given];
  const unread = signals.filter((s) => s.value === null && s.series.length === 0).map((s) => s.name);
  if (unread.length > 0) notes.push(`not observed for ${self}: ${unread.join(", ")}`);

  const own = earliest(signals);
  const ownMoves = signals
    .map(firstMovement)
    .filter((m): m is Movement => m !== undefined)
    .sort((a, b) => a.at - b.at || compare(a.signal, b.signal));
  const podFindings = base.findings.filter((f) => f.kind !== "DependencyNotReady");
  const observed = signals.some((s) => s.value !== null || s.series.length > 0);
  const symptoms = own !== undefined || podFindings.length > 0 || !FINE.includes(health.status) || !observed;

  const candidates: Candidate[] = [];
  let upstreamFirst = false;
  for (const d of deps) {
    const name = `${d.key.project}/${d.key.component}`;
    const moves = d.signals
      .map(firstMovement)
      .filter((m): m is Movement => m !== undefined)
      .sort((a, b) => a.at - b.at || compare(a.signal, b.signal));
    const first = moves[0];
    const unhealthy = d.healthObserved && (d.health === undefined || !FINE.includes(d.health.status));
    if (!first && !unhealthy) continue;
    const evidence: Evidence[] = moves.map((m) => movementEvidence(m, name, landedAt, release));
    evidence.push(...errorLogEvidence(d.logs));
    if (d.healthObserved) {
      evidence.push({
        kind: "dependency",
        text: d.health
          ? `${name}${d.endpoint ? ` (endpoint ${d.endpoint})` : ""} is ${d.health.status}${d.health.message ? `: ${d.health.message}` : ""}`
          : `${name} is not running in ${d.key.environment}`,
      });
    }
    const rose = first
      ? `its ${first.signal} rose from ${num(first.reference)} to ${num(first.value)} at ${clock(first.at)}${relative(first.at, landedAt, release)}`
      : "";
    if (first && (own === undefined || first.at <= own.at)) {
      upstreamFirst = true;
      const lead = own ? `, ${own.at - first.at}s before ${own.signal} of ${self} rose` : "";
      candidates.push({ kind: "dependency", subject: name, summary: `Upstream ${name}: ${rose}${lead}.`, score: 90, evidence, at: first.at });
    } else if (unhealthy) {
      const state = d.health ? `is ${d.health.status}` : `is not running in ${d.key.environment}`;
      candidates.push({ kind: "dependency", subject: name, summary: `Dependency ${name} ${state}${first ? `; ${rose}` : ""}.`, score: 70, evidence });
    } else if (first) {
      candidates.push({
        kind: "dependency",
        subject: name,
        summary: `Dependency ${name}: ${rose}, after ${self}'s own rise (a consequence, or a shared cause).`,
        score: 30,
        evidence,
      });
    }
  }

  if (own) {
    if (release !== undefined && landedAt !== undefined && own.at >= landedAt - AROUND_SECONDS) {
      const after = ownMoves.filter((m) => m.at >= landedAt - AROUND_SECONDS);
      candidates.push({
        kind: "release",
        subject: release,
        summary: `Release ${release}, landed at ${clock(landedAt)}: ${own.signal} rose from ${num(own.reference)} to ${num(own.value)} ${own.at - landedAt}s later${
          upstreamFirst ? ", but a dependency rose first" : ", and no dependency rose before it"
        }.`,
        score: upstreamFirst ? 50 : 80,
        evidence: [...after.map((m) => movementEvidence(m, self, landedAt, release)), ...eventsSince(health.warnings, landedAt - AROUND_SECONDS), ...ownLogs],
      });
    } else {
      const why =
        release !== undefined && landedAt !== undefined
          ? `${landedAt - own.at}s before release ${release} landed: not this release`
          : "the release's landing time is unknown";
      candidates.push({
        kind: "signal",
        subject: own.signal,
        summary: `${own.signal} of ${self} rose from ${num(own.reference)} to ${num(own.value)} at ${clock(own.at)}, ${why}.`,
        score: upstreamFirst ? 30 : 40,
        evidence: [...ownMoves.map((m) => movementEvidence(m, self, landedAt, release)), ...ownLogs],
      });
    }
  }

  for (const f of podFindings) {
    candidates.push({
      kind: "pods",
      subject: f.kind,
      summary: f.cause,
      score: HARD_FAILURES.includes(f.kind as ReasonKind) ? 85 : 60,
      evidence: podEvidence(f, health),
    });
  }

  const ranked = symptoms
    ? candidates.sort(
        (a, b) =>
          b.score - a.score ||
          (a.at ?? Infinity) - (b.at ?? Infinity) ||
          CAUSE_KINDS.indexOf(a.kind) - CAUSE_KINDS.indexOf(b.kind) ||
          compare(a.subject, b.subject),
      )
    : [];
  const causes: Cause[] = ranked.map((c, i) => ({
    kind: c.kind,
    subject: c.subject,
    summary: c.summary,
    rank: i + 1,
    confidence: confidence(c.score),
    evidence: c.evidence,
  }));
  return {
    ...base,
    summary: causes[0]?.summary ?? base.summary,
    ...(release !== undefined ? { release } : {}),
    ...(landedAt !== undefined ? { landedAt } : {}),
    causes,
    observed,
    notes,
  };
}
