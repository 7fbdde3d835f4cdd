/**
 * One signal over the verify window as an inline SVG, drawn on the server: the series as a line,
 * the release boundary (when the release landed: the verify window's start) as a labelled vertical
 * line, each bound as a labelled dashed line, the previous release's value as a dotted one. The
 * verdict is text beside the chart and in its description (never colour only). Pure; no script.
 */
import type { SignalJudgement } from "../../core/signals/verify.js";
import { formatBound, formatSignalValue, signalReason, verdictWord } from "../signal-values.js";
import { esc } from "./html.js";

/** What one chart draws. */
export interface SignalChartInput {
  /** Unique on the page: the prefix of the chart's element ids (letters, digits, `-`). */
  readonly id: string;
  /** The environment (and cluster) the signal was read in, for the title. */
  readonly where: string;
  readonly signal: SignalJudgement;
  /** Unix seconds: the x axis. */
  readonly window: { readonly from: number; readonly to: number };
  /** Unix seconds: when the release landed. @default not marked */
  readonly boundary?: number;
}

const W = 480;
const H = 180;
const LEFT = 72;
const RIGHT = 12;
const TOP = 22;
const BOTTOM = 30;
const INK = "#1a1a1a";

const hhmmss = (t: number) => `${new Date(t * 1000).toISOString().slice(11, 19)} UTC`;
const fixed = (n: number) => String(Math.round(n * 10) / 10);

/** The horizontal lines a signal is judged against: its bounds and the previous release's value. */
function levels(s: SignalJudgement): { value: number; label: string; kind: "bound" | "baseline" }[] {
  const out: { value: number; label: string; kind: "bound" | "baseline" }[] = [];
  if (s.max !== undefined) out.push({ value: s.max, label: `max ${formatSignalValue(s.max, s.unit)}`, kind: "bound" });
  if (s.maxIncrease !== undefined && s.baseline !== null) {
    const limit = s.baseline * s.maxIncrease;
    out.push({ value: limit, label: `${s.maxIncrease}× previous ${formatSignalValue(limit, s.unit)}`, kind: "bound" });
  }
  if (s.baseline !== null) out.push({ value: s.baseline, label: `previous ${formatSignalValue(s.baseline, s.unit)}`, kind: "baseline" });
  return out;
}

/** The chart's sentence for screen readers (and the figure's caption): what was seen and judged. */
export function signalChartDescription(input: SignalChartInput): string {
  const s = input.signal;
  const values = s.series.map(([, v]) => v);
  const seen =
    values.length > 0
      ? `${values.length} points from ${formatSignalValue(values[0], s.unit)} to ${formatSignalValue(values[values.length - 1], s.unit)} (highest ${formatSignalValue(Math.max(...values), s.unit)})`
      : "no data";
  const boundary =
    input.boundary === undefined
      ? ""
      : input.boundary < input.window.from
        ? ` The release landed at ${hhmmss(input.boundary)}, before this window.`
        : ` The release landed at ${hhmmss(input.boundary)}.`;
  return `${s.name} between ${hhmmss(input.window.from)} and ${hhmmss(input.window.to)}: ${seen}. Now ${formatSignalValue(s.value, s.unit)}, previous release ${formatSignalValue(s.baseline, s.unit)}, bound ${formatBound(s)}.${boundary} Verdict: ${verdictWord(s.verdict)}: ${signalReason(s)}.`;
}

/** The SVG, with a title and a description (role img). Deterministic for the same input. */
export function signalChartSvg(input: SignalChartInput): string {
  const s = input.signal;
  const { from, to } = input.window;
  const span = Math.max(1, to - from);
  const lines = levels(s);
  const top = Math.max(0, ...s.series.map(([, v]) => v), ...lines.map((l) => l.value));
  const ymax = top > 0 ? top * 1.15 : 1;
  const x = (t: number) => LEFT + ((Math.min(Math.max(t, from), to) - from) / span) * (W - LEFT - RIGHT);
  const y = (v: number) => TOP + (1 - Math.max(0, v) / ymax) * (H - TOP - BOTTOM);
  const parts: string[] = [
    `<rect x="${LEFT}" y="${TOP}" width="${W - LEFT - RIGHT}" height="${H - TOP - BOTTOM}" fill="#fff" stroke="#767676"/>`,
    `<text x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end" font-size="11" fill="${INK}">${esc(formatSignalValue(ymax, s.unit))}</text>`,
    `<text x="${LEFT - 6}" y="${H - BOTTOM + 4}" text-anchor="end" font-size="11" fill="${INK}">${esc(formatSignalValue(0, s.unit))}</text>`,
    `<text x="${LEFT}" y="${H - 8}" font-size="11" fill="${INK}">${esc(hhmmss(from))}</text>`,
    `<text x="${W - RIGHT}" y="${H - 8}" text-anchor="end" font-size="11" fill="${INK}">${esc(hhmmss(to))}</text>`,
  ];
  for (const l of lines) {
    const dash = l.kind === "bound" ? "6 4" : "2 3";
    const colour = l.kind === "bound" ? "#a30000" : "#555";
    parts.push(
      `<line class="${l.kind}" x1="${LEFT}" x2="${W - RIGHT}" y1="${fixed(y(l.value))}" y2="${fixed(y(l.value))}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="${dash}"/>`,
      // Bounds are labelled on the right, the previous release's value on the left: close levels stay readable.
      l.kind === "bound"
        ? `<text x="${W - RIGHT - 4}" y="${fixed(y(l.value) - 4)}" text-anchor="end" font-size="11" fill="${colour}">${esc(l.label)}</text>`
        : `<text x="${LEFT + 4}" y="${fixed(y(l.value) - 4)}" font-size="11" fill="${colour}">${esc(l.label)}</text>`,
    );
  }
  if (input.boundary !== undefined) {
    const bx = fixed(x(input.boundary));
    const label = input.boundary < from ? "release landed earlier" : `release landed ${hhmmss(input.boundary).slice(0, 5)}`;
    parts.push(
      `<line class="release-boundary" x1="${bx}" x2="${bx}" y1="${TOP - 4}" y2="${H - BOTTOM}" stroke="#12304a" stroke-width="2"/>`,
      `<text x="${bx}" y="${TOP - 8}" text-anchor="${Number(bx) > W / 2 ? "end" : "start"}" font-size="11" fill="#12304a">${esc(label)}</text>`,
    );
  }
  if (s.series.length > 0) {
    const points = s.series.map(([t, v]) => `${fixed(x(t))},${fixed(y(v))}`).join(" ");
    parts.push(`<polyline class="series" points="${points}" fill="none" stroke="#0645ad" stroke-width="2"/>`);
  } else {
    parts.push(
      `<text x="${(LEFT + W - RIGHT) / 2}" y="${(TOP + H - BOTTOM) / 2}" text-anchor="middle" font-size="13" fill="${INK}">no data: not observed</text>`,
    );
  }
  const id = esc(input.id);
  return `<svg role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${esc(s.name)} in ${esc(input.where)}: ${esc(verdictWord(s.verdict))}</title><desc id="${id}-desc">${esc(signalChartDescription(input))}</desc>
${parts.join("\n")}
</svg>`;
}
