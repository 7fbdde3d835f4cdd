/**
 * What the compiler keeps between components of one run: compiled JSON Schemas (ajv) and
 * parsed `${...}` templates. One cache per run (a CLI invocation, a webhook delivery, a
 * benchmark); nothing here is module-level, so runs never see each other's state.
 *
 * Entries are keyed by object identity (WeakMap), so schemas and templates shared by many
 * releases (they come from the same platform bundle) are compiled once, and nothing is held
 * after the platform objects are gone.
 */
import { Ajv } from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { canonicalJson } from "../canonical.js";
import { CelError } from "../cel.js";
import type { CelEngine } from "../cel.js";
import { parseTemplate } from "./template.js";
import type { TemplateNode } from "./template.js";

/** A field path inside a validated value; numbers index lists. */
export type FieldPath = readonly (string | number)[];

/** One JSON Schema violation, with the path of the offending field inside the validated value. */
export interface SchemaIssue {
  readonly path: FieldPath;
  readonly message: string;
  /** The problem is the key itself (an unknown field), not its value. */
  readonly key: boolean;
  /** The field is missing: findings point at the key of the mapping that lacks it. */
  readonly missing?: boolean;
}

/** Outcome of validating a value: the value with schema defaults applied, and the violations. */
export interface SchemaResult {
  readonly value: Record<string, unknown>;
  readonly issues: readonly SchemaIssue[];
}

const CRON_MACROS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);
const CRON_ATOM = "(?:\\*|\\?|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:/[0-9]+)?";
const CRON_FIELD = new RegExp(`^${CRON_ATOM}(?:,${CRON_ATOM})*$`);

/** Ferry's `cron` format: five cron fields (minute hour day-of-month month day-of-week) or a macro like `@daily`. */
export function isCron(value: string): boolean {
  const s = value.trim();
  if (CRON_MACROS.has(s)) return true;
  const fields = s.split(/\s+/);
  return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
}

/** Ferry's `time-zone` format: a time zone name the runtime's Intl knows (IANA names such as Europe/Berlin). */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Per-run compiler state: compiled schemas and parsed templates. */
export class CompileCache {
  private ajv: Ajv | undefined;
  private readonly validators = new WeakMap<object, ValidateFunction | Error>();
  /** Equal schemas in different objects (e.g. releases read back from git) share one validator. */
  private readonly validatorsByContent = new Map<string, ValidateFunction | Error>();
  private readonly templates = new WeakMap<object, TemplateNode>();
  /** Top-level context names each expression mentions. */
  private readonly mentions = new Map<string, (ctx: Record<string, unknown>) => Record<string, unknown>>();

  private instance(): Ajv {
    if (!this.ajv) {
      const ajv = new Ajv({ useDefaults: true, strict: false, allErrors: true, coerceTypes: false });
      addFormats.default(ajv);
      ajv.addFormat("cron", { type: "string", validate: isCron });
      ajv.addFormat("time-zone", { type: "string", validate: isTimeZone });
      this.ajv = ajv;
    }
    return this.ajv;
  }

  /** The compiled validator of a schema object; throws when the schema itself is invalid. */
  validator(schema: Record<string, unknown>): ValidateFunction {
    let hit = this.validators.get(schema);
    if (!hit) {
      const content = canonicalJson(schema);
      hit = this.validatorsByContent.get(content);
      if (!hit) {
        try {
          hit = this.instance().compile(schema);
        } catch (e) {
          hit = e instanceof Error ? e : new Error(String(e));
        }
        this.validatorsByContent.set(content, hit);
      }
      this.validators.set(schema, hit);
    }
    if (hit instanceof Error) throw hit;
    return hit;
  }

  /**
   * Validates a copy of `data` against `schema`, applying the schema's defaults to the copy.
   * Throws when the schema itself does not compile.
   */
  validate(schema: Record<string, unknown>, data: Record<string, unknown>): SchemaResult {
    const validate = this.validator(schema);
    const value = structuredClone(data);
    if (validate(value)) return { value, issues: [] };
    return { value, issues: describeErrors(validate.errors ?? [], value) };
  }

  /**
   * Evaluates a CEL expression through `cel` (which compiles it once). Only the top-level
   * variables the expression mentions are handed over, so the engine converts less of the
   * context per call; the result is the same as with the whole context.
   */
  evaluate(cel: CelEngine, expr: string, context: Record<string, unknown>): unknown {
    let narrow = this.mentions.get(expr);
    if (!narrow) {
      const words = new Set(expr.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
      narrow = (ctx) => {
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(ctx)) if (words.has(key)) out[key] = ctx[key];
        return out;
      };
      this.mentions.set(expr, narrow);
    }
    return cel.compile(expr)(narrow(context));
  }

  /** Evaluates a rule that must produce a bool; anything else is a CelError naming the type. */
  test(cel: CelEngine, expr: string, context: Record<string, unknown>): boolean {
    const v = this.evaluate(cel, expr, context);
    if (typeof v !== "boolean") throw new CelError(expr, `must evaluate to a bool, got ${v === null ? "null" : typeof v}`);
    return v;
  }

  /** The parsed template tree of a template value (parsed once per object). */
  template(value: unknown): TemplateNode {
    if (value === null || typeof value !== "object") return parseTemplate(value);
    let hit = this.templates.get(value);
    if (!hit) {
      hit = parseTemplate(value);
      this.templates.set(value, hit);
    }
    return hit;
  }
}

/** `/a/b~1c/0` → `["a", "b/c", 0]`, numbers where the value at that point is a list. */
function pointerToPath(pointer: string, root: unknown): (string | number)[] {
  if (pointer === "") return [];
  const out: (string | number)[] = [];
  let cur = root;
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function valueAt(root: unknown, path: FieldPath): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** A short JSON rendering of a value for messages. */
export function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Turns ajv errors into readable issues: unknown fields point at their key, missing fields
 * name themselves, and the branches of an anyOf/oneOf are folded into one message.
 */
function describeErrors(errors: readonly ErrorObject[], root: unknown): SchemaIssue[] {
  const unions = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  const inUnion = (e: ErrorObject) => unions.some((u) => u !== e && e.schemaPath.startsWith(`${u.schemaPath}/`));
  const out: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (inUnion(e)) continue;
    const path = pointerToPath(e.instancePath, root);
    let issue: SchemaIssue;
    const params = e.params as Record<string, unknown>;
    if (e.keyword === "required") {
      const field = String(params.missingProperty);
      issue = { path: [...path, field], message: `missing required field ${JSON.stringify(field)}`, key: false, missing: true };
    } else if (e.keyword === "additionalProperties") {
      const field = String(params.additionalProperty);
      issue = { path: [...path, field], message: `unknown field ${JSON.stringify(field)}`, key: true };
    } else if (e.keyword === "enum") {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ");
      issue = { path, message: `${preview(valueAt(root, path))} is not one of ${allowed}`, key: false };
    } else if (e.keyword === "anyOf" || e.keyword === "oneOf") {
      const branches = errors.filter((b) => b !== e && b.schemaPath.startsWith(`${e.schemaPath}/`) && b.instancePath === e.instancePath);
      const why = [...new Set(branches.map((b) => b.message ?? b.keyword))].join(" or ");
      issue = { path, message: `${preview(valueAt(root, path))} does not fit: ${why || (e.message ?? e.keyword)}`, key: false };
    } else {
      issue = { path, message: `${preview(valueAt(root, path))}: ${e.message ?? e.keyword}`, key: false };
    }
    const id = `${issue.path.join("\u0000")}\u0001${issue.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(issue);
    }
  }
  return out;
}
