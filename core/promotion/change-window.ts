/**
 * Change-window time arithmetic: whether an instant is inside an environment's change window
 * (`days`, `hours` and `timezone`, overnight windows and daylight-saving gaps included), when the
 * window period it is in closes, and when the window next opens. Pure: the clock is an input.
 */
import type { Environment, Weekday } from "../../renderers/model/index.js";
import { formatUtc } from "../time.js";

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

/** Where an instant is relative to a change window, said for people. */
export type WindowPosition =
  /** Inside; `closes` is when the window period closes (periods that touch are joined). */
  | { readonly open: true; readonly closes: string }
  /** Outside; `now` is the instant in the window's zone, `opens` when it next opens (undefined: never within a week). */
  | { readonly open: false; readonly now: string; readonly opens: string | undefined };

/** Where `now` is relative to the change window `spec`. */
export function windowPosition(spec: NonNullable<Environment["window"]>, now: Date): WindowPosition {
  const w = windowOf(spec);
  const t = now.getTime();
  const opened = openedOn(w, local(w.fmt, t));
  if (opened !== undefined) return { open: true, closes: describeInstant(w, closesAt(w, opened)) };
  const next = opensAt(w, t);
  return { open: false, now: describeInstant(w, t), opens: next === undefined ? undefined : describeInstant(w, next) };
}
