/** `spec.freezes` of the Platform: times when nothing is promoted into some environments. */
import { z } from "zod";
import { DnsLabel } from "./common.js";

/** An instant as the platform file writes it: RFC 3339 with a zone (`2026-12-20T00:00:00Z`). */
const Instant = z.iso.datetime({ offset: true, error: (iss) => `${JSON.stringify(iss.input)} is not a time like 2026-12-20T00:00:00Z` });

/**
 * One freeze: from `from` (inclusive) until `until` (exclusive), no promotion into `environments`
 * merges, unless a person with `maintain` or more on the component's app repository breaks glass
 * (`/ferry promote <env> --break-glass "why"`).
 */
export const Freeze = z
  .strictObject({
    environments: z.array(DnsLabel).min(1),
    from: Instant,
    until: Instant,
    /** Said on the gate's row of every promotion it holds. */
    reason: z
      .string()
      .trim()
      .min(1, { error: "a freeze needs a reason" })
      .refine((s) => !/[\r\n]/.test(s), { error: "reason must be a single line" }),
  })
  .refine((f) => !(Date.parse(f.until) <= Date.parse(f.from)), { error: "until must be after from", path: ["until"] });
export type Freeze = z.infer<typeof Freeze>;
