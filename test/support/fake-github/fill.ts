/**
 * Completes a response object from its contract schema: every required field the builder did
 * not set gets a plausible value (null where the schema allows it, the first enum value, a URL
 * derived from the object's own `url`, the response time for dates, zero, false, empty list).
 * Fields the builder set are kept as they are, so the validation that follows still judges them.
 */
import type { JsonSchema } from "../../../scripts/extract-github-contract.js";

/** What generated values are derived from. */
export interface FillContext {
  readonly now: string;
  readonly apiUrl: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function asSchema(v: unknown): JsonSchema {
  return isObj(v) ? v : {};
}

/** Folds `allOf` members into one schema (properties and required lists merged). */
function mergeAllOf(schema: JsonSchema): JsonSchema {
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  let out: JsonSchema = { ...rest };
  for (const part of allOf as unknown[]) {
    const p = mergeAllOf(asSchema(part));
    out = {
      ...p,
      ...out,
      properties: { ...asSchema(p.properties), ...asSchema(out.properties) },
      required: [...new Set([...((p.required as string[] | undefined) ?? []), ...((out.required as string[] | undefined) ?? [])])],
    };
  }
  return out;
}

function branches(schema: JsonSchema): JsonSchema[] | undefined {
  const list = schema.oneOf ?? schema.anyOf;
  return Array.isArray(list) ? list.map(asSchema) : undefined;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (Number.isInteger(value)) return "integer";
  return typeof value;
}

function schemaType(schema: JsonSchema): string | undefined {
  if (typeof schema.type === "string") return schema.type;
  if (schema.properties) return "object";
  return undefined;
}

/** Whether a value plausibly belongs to a branch of a oneOf/anyOf (type, constant fields, known keys). */
function fits(branch: JsonSchema, value: unknown): boolean {
  const b = mergeAllOf(branch);
  const t = schemaType(b);
  const vt = typeOf(value);
  if (t && t !== vt && !(t === "number" && vt === "integer")) return false;
  if (Array.isArray(b.enum) && !b.enum.includes(value)) return false;
  if (isObj(value) && isObj(b.properties)) {
    const props = b.properties;
    for (const [k, v] of Object.entries(value)) {
      const ps = props[k];
      if (ps === undefined) {
        if (b.additionalProperties === false) return false;
        continue;
      }
      const en = asSchema(ps).enum;
      if (Array.isArray(en) && !en.includes(v)) return false;
    }
    if (Object.keys(value).length > 0 && !Object.keys(value).some((k) => k in props) && b.additionalProperties !== true) return false;
  }
  return true;
}

function urlFor(name: string, parent: Obj, ctx: FillContext): string {
  const base = typeof parent.url === "string" && /^https?:/.test(parent.url) ? parent.url.replace(/\{.*$/, "") : ctx.apiUrl;
  const stem = name.replace(/_url$/, "").replace(/_/g, "-");
  return name === "url" ? base : `${base}/${stem}`;
}

/** A plausible value for a schema nobody set. */
export function generate(schema: JsonSchema, name: string, parent: Obj, ctx: FillContext): unknown {
  const s = mergeAllOf(schema);
  if (s.nullable === true) return null;
  const list = branches(s);
  if (list) {
    const first = list.find((b) => b.type !== "null") ?? list[0];
    return first ? generate(first, name, parent, ctx) : null;
  }
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum.find((e) => e !== null) ?? null;
  if (s.default !== undefined) return s.default;
  switch (schemaType(s)) {
    case "string":
      if (s.format === "date-time") return ctx.now;
      if (s.format === "uri" || name.endsWith("_url") || name === "url") return urlFor(name, parent, ctx);
      if (s.format === "email") return "noreply@github.localhost";
      if (name === "node_id") return Buffer.from(`fake:${String(parent.id ?? name)}`).toString("base64");
      return "";
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return complete(s, {}, ctx, name);
    default:
      return null;
  }
}

/**
 * Fills what `schema` requires and `value` lacks, recursively. Values of the wrong type are left
 * alone (validation reports them).
 */
export function complete(schema: JsonSchema, value: unknown, ctx: FillContext, name = "", parent: Obj = {}): unknown {
  if (value === undefined) return generate(schema, name, parent, ctx);
  const s = mergeAllOf(schema);
  if (value === null) return null;
  const list = branches(s);
  if (list) {
    const chosen = list.find((b) => fits(b, value));
    return chosen ? complete(chosen, value, ctx, name, parent) : value;
  }
  const t = schemaType(s);
  if (t === "array" && Array.isArray(value)) {
    const items = asSchema(s.items);
    return value.map((v) => complete(items, v, ctx, name, parent));
  }
  if ((t === "object" || t === undefined) && isObj(value) && isObj(s.properties)) {
    const props = s.properties;
    const out: Obj = { ...value };
    for (const [k, v] of Object.entries(out)) {
      const ps = props[k];
      if (ps !== undefined) out[k] = complete(asSchema(ps), v, ctx, k, out);
    }
    for (const k of Array.isArray(s.required) ? (s.required as unknown[]) : []) {
      if (typeof k === "string" && out[k] === undefined) out[k] = generate(asSchema(props[k]), k, out, ctx);
    }
    return out;
  }
  return value;
}
