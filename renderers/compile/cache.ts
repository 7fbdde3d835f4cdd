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
import type { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { canonicalJson } from "../canonical.js";
import { CelError } from "../cel.js";
import type { CelEngine } from "../cel.js";
import { isCron, isTimeZone } from "./schema-formats.js";
import { schemaIssues } from "./schema-issues.js";
import type { SchemaResult } from "./schema-issues.js";
import { parseTemplate } from "./template.js";
import type { TemplateNode } from "./template.js";

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
    return { value, issues: schemaIssues(validate.errors ?? [], value) };
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
