/** JSON Schema violations (ajv errors) as issues a person can read, each with the path of its field. */
import type { ErrorObject } from "ajv";
import { shortJson } from "../short-json.js";
import type { FieldPath } from "../field-path.js";

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

/**
 * Turns ajv errors into readable issues: unknown fields point at their key, missing fields
 * name themselves, and the branches of an anyOf/oneOf are folded into one message.
 */
export function schemaIssues(errors: readonly ErrorObject[], root: unknown): SchemaIssue[] {
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
      issue = { path, message: `${shortJson(valueAt(root, path))} is not one of ${allowed}`, key: false };
    } else if (e.keyword === "anyOf" || e.keyword === "oneOf") {
      const branches = errors.filter((b) => b !== e && b.schemaPath.startsWith(`${e.schemaPath}/`) && b.instancePath === e.instancePath);
      const why = [...new Set(branches.map((b) => b.message ?? b.keyword))].join(" or ");
      issue = { path, message: `${shortJson(valueAt(root, path))} does not fit: ${why || (e.message ?? e.keyword)}`, key: false };
    } else {
      issue = { path, message: `${shortJson(valueAt(root, path))}: ${e.message ?? e.keyword}`, key: false };
    }
    const id = `${issue.path.join("\u0000")}\u0001${issue.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(issue);
    }
  }
  return out;
}
