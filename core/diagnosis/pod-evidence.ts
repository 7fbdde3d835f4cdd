/**
 * The evidence behind a finding about a component's pods: each pod's state, the warning events
 * about them, and each pod's first error line in its log. Pure.
 */
import type { Finding } from "../status/diagnose.js";
import type { ComponentHealth, HealthReason, WarningSummary } from "../status/health.js";
import type { Evidence, PodLog } from "./model.js";

const ERROR_LINE = /\b(error|err|exception|fatal|panic|fail(ed|ure|s)?|refused|denied|timed? ?out|traceback|unable|cannot)\b/i;

/** The first line that reads as an error, else the last line (what the process said before it stopped). */
export function firstErrorLine(lines: readonly string[]): string | undefined {
  return (lines.find((l) => ERROR_LINE.test(l)) ?? lines[lines.length - 1])?.trim() || undefined;
}

/** The first line that reads as an error; none when no line does (a working pod's log quotes nothing). */
export function errorLine(lines: readonly string[]): string | undefined {
  return lines.find((l) => ERROR_LINE.test(l))?.trim() || undefined;
}

/** The first error line of each pod's log (one per pod, its containers in order), sorted by pod: `pod/container: line`. */
export function errorLogEvidence(logs: readonly PodLog[]): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<string>();
  const sorted = [...logs].sort((a, b) => compare(`${a.pod}/${a.container}`, `${b.pod}/${b.container}`));
  for (const log of sorted) {
    const line = errorLine(log.lines);
    if (line === undefined || seen.has(log.pod)) continue;
    seen.add(log.pod);
    out.push({ kind: "log", text: `${log.pod}/${log.container}: ${line}` });
  }
  return out;
}

/** Unix seconds of an ISO time, when it is one. */
export function unixSeconds(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** A warning event as evidence: reason, object, how often, the message, when it was last seen. */
export function eventEvidence(w: WarningSummary): Evidence {
  const at = unixSeconds(w.lastSeen);
  return {
    kind: "event",
    text: `${w.reason} on ${w.object}${w.count > 1 ? ` (x${w.count})` : ""}: ${w.message}`,
    value: w.count,
    ...(at !== undefined ? { at } : {}),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function podText(r: HealthReason): string {
  const parts = [
    r.restartCount !== undefined ? `${r.restartCount} restart${r.restartCount === 1 ? "" : "s"}` : "",
    r.exitCode !== undefined ? `exit code ${r.exitCode}` : "",
    r.release !== undefined ? `release ${r.release}` : "",
  ].filter((p) => p !== "");
  const where = r.pod !== undefined ? `Pod/${r.pod}${r.container ? ` container ${r.container}` : ""}` : (r.object ?? "the component");
  return `${where}: ${r.kind}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}: ${r.message}`;
}

/** Pods, events and log lines behind `finding`, in that order, each sorted by pod. */
export function podEvidence(finding: Finding, health: ComponentHealth): Evidence[] {
  const reasons = health.reasons
    .filter((r) => r.kind === finding.kind)
    .sort((a, b) => compare(`${a.pod ?? a.object ?? ""}/${a.container ?? ""}`, `${b.pod ?? b.object ?? ""}/${b.container ?? ""}`));
  const pods: Evidence[] = reasons.map((r) => ({ kind: "pod", text: podText(r), ...(r.restartCount !== undefined ? { value: r.restartCount } : {}) }));
  const about = new Set([...reasons.map((r) => (r.pod !== undefined ? `Pod/${r.pod}` : r.object)), ...finding.pods.map((p) => `Pod/${p}`)]);
  const events: Evidence[] = health.warnings
    .filter((w) => about.has(w.object))
    .sort((a, b) => compare(`${a.object}/${a.reason}/${a.message}`, `${b.object}/${b.reason}/${b.message}`))
    .map(eventEvidence);
  const logs: Evidence[] = [];
  const seen = new Set<string>();
  for (const r of reasons) {
    const line = firstErrorLine(r.logTail ?? []);
    const source = `${r.pod ?? ""}/${r.container ?? ""}`;
    if (line === undefined || seen.has(r.pod ?? "")) continue;
    seen.add(r.pod ?? "");
    logs.push({ kind: "log", text: `${source}: ${line}` });
  }
  return [...pods, ...events, ...logs];
}
