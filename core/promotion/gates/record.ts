/**
 * The gates as data inside the `Ferry / gates` check run's summary: a hidden marker line
 * `<!-- ferry:gates {"gates":[...]} -->` (JSON, `<` and `>` escaped so that no text can close the
 * comment) that the listing of promotions reads back with a zod schema. The Markdown table beside
 * it is for people and is never parsed. Pure.
 */
import { z } from "zod";
import type { Gate } from "./model.js";
import { GATE_NAMES } from "./model.js";

/** One gate as the check records it. */
export const RecordedGate = z.strictObject({
  name: z.enum(GATE_NAMES),
  state: z.enum(["pass", "fail", "pending", "not-observed"]),
  summary: z.string(),
});
export type RecordedGate = z.infer<typeof RecordedGate>;

const GatesRecord = z.strictObject({ gates: z.array(RecordedGate) });

const PREFIX = "<!-- ferry:gates ";
const SUFFIX = " -->";

/** The marker line recording `gates` (no newline). */
export function gatesRecord(gates: readonly Gate[]): string {
  const json = JSON.stringify({ gates: gates.map(({ name, state, summary }) => ({ name, state, summary })) });
  return `${PREFIX}${json.replace(/</g, "\\u003c").replace(/>/g, "\\u003e")}${SUFFIX}`;
}

/**
 * The gates a check summary records ({@link gatesRecord}), or undefined when it holds no readable
 * record (a run written before the record existed, a clipped summary, or a record that does not
 * parse): the caller then reports no gate rather than guessing from the table.
 */
export function readGatesRecord(summary: string | null | undefined): RecordedGate[] | undefined {
  const line = (summary ?? "").split("\n").find((l) => l.startsWith(PREFIX) && l.endsWith(SUFFIX));
  if (line === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line.slice(PREFIX.length, -SUFFIX.length));
  } catch {
    return undefined;
  }
  const parsed = GatesRecord.safeParse(json);
  return parsed.success ? parsed.data.gates : undefined;
}
