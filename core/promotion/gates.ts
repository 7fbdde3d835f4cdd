/**
 * The gates of a promotion pull request (`Ferry / gates`): policies, approvals, source health,
 * soak time and change window. Pure: reviews, team membership, health and the clock are inputs.
 *
 * Gate states:
 * - `pass`: the gate holds.
 * - `fail`: it does not, and waiting will not help (a policy error, changes requested, the source
 *   environment degraded or running another release).
 * - `pending`: it does not hold yet and may by waiting or by people acting (approvals missing,
 *   soak time not elapsed, window closed, source still progressing, health required but not
 *   observed yet).
 * - `not-observed`: Ferry cannot see the source environment's health and the platform does not
 *   require it; reported, not blocking.
 *
 * Conclusion of the check run: `failure` when a gate fails, else `action_required` when one is
 * pending, else `neutral` when one is not observed, else `success`. Branch protection treats
 * `success` and `neutral` as passing, so a person may merge when nothing blocks. Ferry
 * auto-merges (`autoMergeAllowed`) on the same terms: every gate passes or is not observed, and
 * a gate is only ever `not-observed` when the platform does not require health (with
 * `requireHealth` an unobserved source is `pending` and blocks).
 *
 * Reviews (decided here; GitHub's REST review objects are accepted as they come):
 * - Per reviewer (logins compared case-insensitively) the latest of their APPROVED,
 *   CHANGES_REQUESTED and DISMISSED reviews is their verdict; COMMENTED reviews do not change it
 *   (as on GitHub), PENDING (unsubmitted) ones are ignored. A dismissed latest review leaves no
 *   verdict.
 * - An approval counts only when it was given on the pull request's current head commit: a
 *   promotion PR updated to a newer release must be approved again. A request for changes
 *   blocks whatever commit it was given on, until that reviewer approves or it is dismissed.
 * - The pull request's author, and anyone in `nonApprovers` (e.g. who asked for the promotion
 *   with `/ferry promote`), cannot approve it.
 * - With `approvals.teams`, only approvals by members of one of those teams count (team names
 *   compared by slug: `acme/sre` and `sre` are the same team).
 */
import { z } from "zod";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { durationSeconds, Environment, PipelineStep } from "../../renderers/model/index.js";
import type { Weekday } from "../../renderers/model/index.js";
import { ReleaseId } from "../../renderers/release.js";
import { HealthReport } from "./health.js";
import { formatUtc } from "../history.js";

export const GATE_NAMES = ["policies", "approvals", "source-health", "soak", "window"] as const;
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
  user: z.looseObject({ login: z.string() }).nullable(),
  state: z.string(),
  commit_id: z.string().nullable().optional(),
  submitted_at: z.string().nullable().optional(),
});
export type Review = z.infer<typeof Review>;

const Finding = z.custom<Diagnostic>(
  (v) => typeof v === "object" && v !== null && ["error", "warning"].includes((v as Diagnostic).severity) && typeof (v as Diagnostic).message === "string",
  { error: "not a diagnostic (severity error|warning and a message)" },
);

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
  /** The source environment's health for this component. */
  health: HealthReport,
  now: z.date(),
});
export type GatesInput = z.infer<typeof GatesInput>;

/** The gates and the check run conclusion they give. */
export interface GatesResult {
  readonly conclusion: GateConclusion;
  readonly gates: readonly Gate[];
  readonly release: string;
  readonly from: string;
  readonly to: string;
}

const gate = (name: GateName, state: GateState, summary: string): Gate => ({ name, state, summary });

/** `1h30m`, `45m`, `30s`, `0s` */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const out = `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${rest ? `${rest}s` : ""}`;
  return out || "0s";
}

function listed(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join("; ");
  return items.length > max ? `${shown}; and ${items.length - max} more` : shown;
}

function finding(d: Diagnostic): string {
  const where = d.resource ? ` ${d.resource}` : d.file ? ` ${d.file}` : "";
  return `[${d.code}]${where}: ${d.message}`;
}

function policiesGate(input: GatesInput): Gate {
  const errors = input.diagnostics
    .filter((d) => d.severity === "error")
    .map(finding)
    .sort();
  const warnings = input.diagnostics
    .filter((d) => d.severity === "warning")
    .map(finding)
    .sort();
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  if (errors.length > 0) return gate("policies", "fail", `${plural(errors.length, "error")} for ${input.target.name}: ${listed(errors)}`);
  if (warnings.length > 0) return gate("policies", "pass", `no errors for ${input.target.name}; ${plural(warnings.length, "warning")}: ${listed(warnings)}`);
  return gate("policies", "pass", `every policy holds for ${input.target.name}`);
}

const VERDICTS = new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);
const slug = (team: string) => team.slice(team.lastIndexOf("/") + 1).toLowerCase();
const at = (login: string) => `@${login}`;

function approvalsGate(input: GatesInput): Gate {
  const { required, teams } = input.target.approvals;
  const excluded = new Set([input.author, ...input.nonApprovers].map((l) => l.toLowerCase()));
  const ordered = input.reviews
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.user && r.submitted_at && VERDICTS.has(r.state))
    .sort((a, b) => (a.r.submitted_at! < b.r.submitted_at! ? -1 : a.r.submitted_at! > b.r.submitted_at! ? 1 : (a.r.id ?? 0) - (b.r.id ?? 0) || a.i - b.i));
  const verdicts = new Map<string, Review>();
  for (const { r } of ordered) verdicts.set(r.user!.login.toLowerCase(), r);
  const blockers: string[] = [];
  const counted: string[] = [];
  const notes: string[] = [];
  const wanted = new Set(teams.map(slug));
  const teamText = teams.length > 0 ? ` from ${teams.join(" or ")}` : "";
  const teamsOf = new Map(Object.entries(input.teams).map(([login, list]) => [login.toLowerCase(), list.map(slug)]));
  for (const [key, review] of [...verdicts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const login = review.user!.login;
    if (review.state === "DISMISSED") continue;
    if (excluded.has(key)) {
      if (review.state === "APPROVED") notes.push(`${at(login)} cannot approve (${key === input.author.toLowerCase() ? "author" : "asked for the promotion"})`);
      continue;
    }
    if (review.state === "CHANGES_REQUESTED") {
      blockers.push(at(login));
      continue;
    }
    if (review.commit_id !== input.headSha) {
      notes.push(`${at(login)} approved an older commit`);
      continue;
    }
    if (wanted.size > 0 && !(teamsOf.get(key) ?? []).some((t) => wanted.has(t))) {
      notes.push(`${at(login)} is not in ${teams.join(" or ")}`);
      continue;
    }
    counted.push(at(login));
  }
  const tail = notes.length > 0 ? `; ${notes.join("; ")}` : "";
  if (blockers.length > 0) return gate("approvals", "fail", `${blockers.join(", ")} requested changes${tail}`);
  if (required === 0) return gate("approvals", "pass", `${input.target.name} needs no approvals${tail}`);
  const who = counted.length > 0 ? ` (${counted.join(", ")})` : "";
  const text = `${Math.min(counted.length, required)} of ${required} approval${required === 1 ? "" : "s"}${teamText}${who}${tail}`;
  return gate("approvals", counted.length >= required ? "pass" : "pending", text);
}

/** Whether health is required: the source says so (promoting out of it) or the target does. */
function healthRequired(input: GatesInput): boolean {
  return input.source.requireHealth || input.target.requireHealth;
}

type Seen = { kind: "unseen"; why: string } | { kind: "other"; release: string } | { kind: "seen"; report: HealthReport };

function observe(input: GatesInput): Seen {
  const { health } = input;
  const env = input.source.name;
  if (health.status === "NotObserved") return { kind: "unseen", why: `${env} health is not observed` };
  if (health.status === "Unknown") return { kind: "unseen", why: `${env} health is Unknown${health.detail ? ` (${health.detail})` : ""}` };
  if (health.release === undefined) return { kind: "unseen", why: `${env} is ${health.status} but which release it runs is not known` };
  if (health.release !== input.release) return { kind: "other", release: health.release };
  return { kind: "seen", report: health };
}

function unseen(input: GatesInput, name: GateName, why: string): Gate {
  return healthRequired(input)
    ? gate(name, "pending", `${why}; promoting ${input.source.name} → ${input.target.name} requires it`)
    : gate(name, "not-observed", `${why}; not required, does not block`);
}

function healthGate(input: GatesInput, seen: Seen): Gate {
  const env = input.source.name;
  if (seen.kind === "unseen") return unseen(input, "source-health", seen.why);
  if (seen.kind === "other") return gate("source-health", "fail", `${env} runs release ${seen.release}, not ${input.release}`);
  const { status, healthySince, detail } = seen.report;
  const more = detail ? ` (${detail})` : "";
  if (status === "Healthy")
    return gate("source-health", "pass", `${env} runs ${input.release}, Healthy${healthySince ? ` since ${formatUtc(healthySince)}` : ""}${more}`);
  if (status === "Degraded") return gate("source-health", "fail", `${env} runs ${input.release} but is Degraded${more}`);
  return gate("source-health", "pending", `${env} runs ${input.release} and is ${status}${more}`);
}

function soakGate(input: GatesInput, seen: Seen): Gate {
  const env = input.source.name;
  const soak = input.step?.soak;
  if (!soak) return gate("soak", "pass", `no soak time for ${env} → ${input.target.name}`);
  const need = durationSeconds(soak);
  if (seen.kind === "unseen") return unseen(input, "soak", `soak ${soak} cannot be measured: ${seen.why}`);
  if (seen.kind === "other") return gate("soak", "pending", `soak ${soak} counts once ${env} runs ${input.release}; it runs ${seen.release}`);
  const { status, healthySince } = seen.report;
  if (status !== "Healthy") return gate("soak", "pending", `soak ${soak} starts when ${env} is Healthy; it is ${status}`);
  if (!healthySince) return unseen(input, "soak", `soak ${soak} cannot be measured: since when ${env} is Healthy is not known`);
  const have = Math.floor((input.now.getTime() - healthySince.getTime()) / 1000);
  if (have >= need) return gate("soak", "pass", `Healthy in ${env} for ${formatDuration(have)} (soak ${soak})`);
  return gate(
    "soak",
    "pending",
    `Healthy in ${env} for ${formatDuration(have)} of ${soak}; holds from ${formatUtc(new Date(healthySince.getTime() + need * 1000))}`,
  );
}

// ---- change windows -------------------------------------------------------------------------

const WEEKDAYS: readonly Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MINUTE = 60_000;

interface Local {
  /** Civil date in the zone, as a UTC midnight timestamp (weekday- and arithmetic-friendly). */
  readonly day: number;
  /** Minutes since local midnight. */
  readonly minutes: number;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
}

function local(fmt: Intl.DateTimeFormat, instant: number): Local {
  const parts = Object.fromEntries(fmt.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const hour = Number(parts.hour) % 24;
  return { day: Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)), minutes: hour * 60 + Number(parts.minute) };
}

/** Local wall time as minutes since the epoch, for ordering. */
const wall = (l: Local) => l.day / MINUTE + l.minutes;
const weekday = (day: number): Weekday => WEEKDAYS[new Date(day).getUTCDay()]!;
const DAY = 86_400_000;

/** The first instant whose local wall time is at or after `day` + `minutes` (DST gaps move forward). */
function instantOf(fmt: Intl.DateTimeFormat, day: number, minutes: number): number {
  const target = day / MINUTE + minutes;
  const guess = day + minutes * MINUTE;
  const offset = (t: number) => wall(local(fmt, t)) * MINUTE - Math.floor(t / MINUTE) * MINUTE;
  const t1 = guess - offset(guess);
  const t2 = guess - offset(t1);
  for (const t of [t1, t2].sort((a, b) => a - b)) if (wall(local(fmt, t)) === target) return t;
  // In a gap: search for the first minute whose wall time reaches the target.
  let lo = Math.min(t1, t2) - 3 * 3600_000;
  let hi = Math.max(t1, t2) + 3 * 3600_000;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / MINUTE / 2) * MINUTE;
    if (wall(local(fmt, mid)) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

const parseHm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** A change window with its hours in minutes; `end` ≤ `start` means it runs past midnight. */
interface Window {
  readonly days: ReadonlySet<Weekday>;
  readonly start: number;
  readonly end: number;
  readonly timezone: string;
  readonly fmt: Intl.DateTimeFormat;
}

function windowOf(w: NonNullable<Environment["window"]>): Window {
  const [from, to] = w.hours.split("-") as [string, string];
  return { days: new Set(w.days), start: parseHm(from), end: parseHm(to), timezone: w.timezone, fmt: formatter(w.timezone) };
}

const overnight = (w: Window) => w.end <= w.start;

/** The local day a window period containing `l` started on, or undefined when `l` is outside. */
function openedOn(w: Window, l: Local): number | undefined {
  if (!overnight(w)) return w.days.has(weekday(l.day)) && l.minutes >= w.start && l.minutes < w.end ? l.day : undefined;
  if (w.days.has(weekday(l.day)) && l.minutes >= w.start) return l.day;
  const before = l.day - DAY;
  return w.days.has(weekday(before)) && l.minutes < w.end ? before : undefined;
}

/** When the window period that started on `day` closes; periods that touch are joined. */
function closesAt(w: Window, day: number): number {
  let close = 0;
  let opened = day;
  for (let i = 0; i < 8; i++) {
    close = overnight(w) || w.end === 1440 ? instantOf(w.fmt, opened + DAY, overnight(w) ? w.end : 0) : instantOf(w.fmt, opened, w.end);
    const next = openedOn(w, local(w.fmt, close));
    if (next === undefined) return close;
    opened = next;
  }
  return close;
}

/** When the window next opens after `now` (within a week), or undefined. */
function opensAt(w: Window, now: number): number | undefined {
  const today = local(w.fmt, now).day;
  for (let k = -1; k <= 8; k++) {
    const day = today + k * DAY;
    if (!w.days.has(weekday(day))) continue;
    const t = instantOf(w.fmt, day, w.start);
    if (t > now) return t;
  }
  return undefined;
}

const DAY_NAME: Readonly<Record<Weekday, string>> = { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" };

/** `Mon 2025-03-17 09:00 Europe/Berlin (08:00 UTC)` */
function describeInstant(w: Window, t: number): string {
  const l = local(w.fmt, t);
  const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  const date = new Date(l.day).toISOString().slice(0, 10);
  const utc = w.timezone === "UTC" ? "" : ` (${formatUtc(new Date(t))})`;
  return `${DAY_NAME[weekday(l.day)]} ${date} ${hm(l.minutes)} ${w.timezone}${utc}`;
}

function windowGate(input: GatesInput): Gate {
  const spec = input.target.window;
  if (!spec) return gate("window", "pass", `${input.target.name} has no change window`);
  const w = windowOf(spec);
  const now = input.now.getTime();
  const l = local(w.fmt, now);
  const text = `${spec.days.join(", ")} ${spec.hours} ${spec.timezone}`;
  const opened = openedOn(w, l);
  if (opened !== undefined) return gate("window", "pass", `inside the change window (${text}); closes ${describeInstant(w, closesAt(w, opened))}`);
  const next = opensAt(w, now);
  return gate(
    "window",
    "pending",
    `outside the change window (${text}): it is ${describeInstant(w, now)}; ${next === undefined ? "it never opens" : `opens ${describeInstant(w, next)}`}`,
  );
}

// ---- evaluation -----------------------------------------------------------------------------

/** The conclusion a set of gates gives (see the module comment). */
export function conclude(gates: readonly Gate[]): GateConclusion {
  if (gates.some((g) => g.state === "fail")) return "failure";
  if (gates.some((g) => g.state === "pending")) return "action_required";
  if (gates.some((g) => g.state === "not-observed")) return "neutral";
  return "success";
}

/** Evaluates every gate of a promotion; throws a zod error naming the fields when the input is malformed. */
export function evaluateGates(raw: z.input<typeof GatesInput>): GatesResult {
  const input = GatesInput.parse(raw);
  const seen = observe(input);
  const gates = [policiesGate(input), approvalsGate(input), healthGate(input, seen), soakGate(input, seen), windowGate(input)];
  return { conclusion: conclude(gates), gates, release: input.release, from: input.source.name, to: input.target.name };
}

/**
 * Whether Ferry may merge the pull request by itself: the target allows it and every gate passes
 * or is not observed (health the environment does not demand does not block; see the module comment).
 */
export function autoMergeAllowed(env: Pick<Environment, "autoMerge">, result: Pick<GatesResult, "gates">): boolean {
  return env.autoMerge && result.gates.length > 0 && result.gates.every((g) => g.state === "pass" || g.state === "not-observed");
}

const STATE_TEXT: Readonly<Record<GateState, string>> = { pass: "✅ pass", fail: "❌ fail", pending: "⏳ pending", "not-observed": "➖ not observed" };

const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** Title and markdown summary of the `Ferry / gates` check run. */
export function gatesCheckOutput(result: GatesResult): { title: string; summary: string } {
  const names = (state: GateState) =>
    result.gates
      .filter((g) => g.state === state)
      .map((g) => g.name)
      .join(", ");
  const title =
    result.conclusion === "failure"
      ? `Blocked: ${names("fail")}`
      : result.conclusion === "action_required"
        ? `Waiting: ${names("pending")}`
        : result.conclusion === "neutral"
          ? `Nothing blocks; not observed: ${names("not-observed")}`
          : "Every gate holds";
  const lines = [
    `Promotion of release \`${result.release}\` from **${result.from}** to **${result.to}**.`,
    "",
    "| Gate | State | Why |",
    "| --- | --- | --- |",
    ...result.gates.map((g) => `| ${g.name} | ${STATE_TEXT[g.state]} | ${cell(g.summary)} |`),
  ];
  if (result.conclusion === "neutral")
    lines.push("", "Nothing blocks a merge: the source environment's health is not observed, and the platform does not require it.");
  return { title, summary: `${lines.join("\n")}\n` };
}
