/**
 * CEL evaluation for templates, includeWhen, validations and policy rules.
 *
 * CEL has integers and doubles; YAML and JSON have one number type. Ferry hands CEL integral
 * numbers as CEL ints (BigInt) and everything else as doubles, and turns results back into plain
 * JSON values, so `object.spec.replicas * 2` and `size(x) > 0` behave as users expect.
 */
import { Environment } from "@marcbachmann/cel-js";

/** A compiled expression: call it with a context of plain JSON values. */
export type CelProgram = (context: Record<string, unknown>) => unknown;

/** Raised for CEL that does not parse or fails to evaluate; the message quotes the expression. */
export class CelError extends Error {
  readonly expression: string;
  constructor(expression: string, cause: unknown) {
    const reason = cause instanceof Error ? (cause.message.split("\n")[0] ?? cause.message) : String(cause);
    super(`CEL ${JSON.stringify(expression)}: ${reason}`);
    this.name = "CelError";
    this.expression = expression;
  }
}

/**
 * Compiles and caches CEL programs. One engine per run (the CLI, one webhook delivery, one
 * benchmark); it holds no global state, so tests can make as many as they like.
 */
export class CelEngine {
  private readonly env = new Environment({
    unlistedVariablesAreDyn: true,
    homogeneousAggregateLiterals: false,
    enableOptionalTypes: true,
    limits: { maxAstNodes: 5000, maxDepth: 64, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 32 },
  });
  private readonly cache = new Map<string, CelProgram>();

  /** Parses `expression` (cached); throws CelError when it does not parse. */
  compile(expression: string): CelProgram {
    const hit = this.cache.get(expression);
    if (hit) return hit;
    let parsed: (ctx: Record<string, unknown>) => unknown;
    try {
      parsed = this.env.parse(expression) as unknown as (ctx: Record<string, unknown>) => unknown;
    } catch (e) {
      throw new CelError(expression, e);
    }
    const program: CelProgram = (context) => {
      try {
        return fromCel(parsed(toCel(context) as Record<string, unknown>));
      } catch (e) {
        throw new CelError(expression, e);
      }
    };
    this.cache.set(expression, program);
    return program;
  }

  /** Evaluates `expression` against `context`. */
  evaluate(expression: string, context: Record<string, unknown>): unknown {
    return this.compile(expression)(context);
  }

  /** Evaluates a rule that must produce a bool; anything else is an error naming the type. */
  test(expression: string, context: Record<string, unknown>): boolean {
    const v = this.evaluate(expression, context);
    if (typeof v !== "boolean") {
      throw new CelError(expression, `must evaluate to a bool, got ${v === null ? "null" : typeof v}`);
    }
    return v;
  }
}

/** Plain JSON → CEL values: integral numbers become ints. */
export function toCel(value: unknown): unknown {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v);
    return out;
  }
  return value;
}

/** CEL values → plain JSON: ints become numbers, Maps become objects. */
export function fromCel(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = fromCel(v);
    return out;
  }
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Object.prototype || proto === null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = fromCel(v);
      return out;
    }
    // Optional and other wrapper types: unwrap what we can, else stringify.
    const maybe = value as { hasValue?: () => boolean; value?: () => unknown };
    if (typeof maybe.hasValue === "function" && typeof maybe.value === "function") {
      return maybe.hasValue() ? fromCel(maybe.value()) : null;
    }
    return String(value);
  }
  return value;
}
