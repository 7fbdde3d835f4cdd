/** Golden signals: PromQL templates a platform or a component type declares, by name. */
import { z } from "zod";

/** What a signal's value measures; how it is printed. */
export const SignalUnit = z.enum(["ratio", "seconds", "count", "bytes", "cores"]);
export type SignalUnit = z.infer<typeof SignalUnit>;

/** A signal's name as the platform, types and `verify` use it: `errorRate`, `latencyP95`. */
export const SignalName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, {
  error: (iss) => `${JSON.stringify(iss.input)} is not a signal name (a letter, then letters, digits or '_', at most 63)`,
});

/**
 * A golden signal: a PromQL template whose `${namespace}`, `${component}`, `${project}`, `${release}`
 * and `${window}` Ferry substitutes before asking Prometheus; one number per evaluation.
 */
export const Signal = z.strictObject({
  query: z.string().min(1),
  unit: SignalUnit,
});
export type Signal = z.infer<typeof Signal>;

/** Signals by name. */
export const Signals = z.record(SignalName, Signal);
export type Signals = z.infer<typeof Signals>;
