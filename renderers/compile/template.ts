/**
 * `${...}` templates: CEL embedded in YAML values of ComponentType resources and Trait
 * creates/patches.
 *
 * Rules (also in docs for platform engineers):
 * - a string that is exactly one `${expr}` becomes the expression's value with its type
 *   (number, bool, list, map, null);
 * - `${expr}` inside a longer string is converted to text (strings as they are, numbers and
 *   bools as written, null as the empty string, lists and maps as JSON);
 * - strings without `${` are left untouched; `$${` writes a literal `${`;
 * - map keys are never templated;
 * - a map value that is null after evaluation is dropped, so `"${parameters.?x.orValue(null)}"`
 *   leaves the key out when `x` is unset (list items are kept as they are).
 *
 * Templates are parsed once (see CompileCache) into a tree; evaluation walks the tree and
 * always builds fresh maps and lists, so rendered objects never share structure with the
 * template or with each other.
 */
import { CelError } from "../cel.js";

/** Evaluates one CEL expression against a context (CompileCache implements it). */
export type Evaluate = (expr: string, context: Record<string, unknown>) => unknown;

/** One piece of a parsed template. */
export type TemplateNode =
  | { readonly kind: "literal"; readonly value: unknown }
  | { readonly kind: "expr"; readonly expr: string }
  | { readonly kind: "text"; readonly parts: readonly (string | { readonly expr: string })[] }
  | { readonly kind: "map"; readonly entries: readonly (readonly [string, TemplateNode])[] }
  | { readonly kind: "list"; readonly items: readonly TemplateNode[] }
  | { readonly kind: "invalid"; readonly source: string; readonly message: string };

/** A problem found while evaluating a template, at a path inside the template. */
export interface TemplateIssue {
  /** Path inside the templated value, e.g. `["spec", "rules", 0, "host"]`. */
  readonly path: readonly (string | number)[];
  /** The CEL expression (or the template string when it does not parse). */
  readonly expression: string;
  readonly message: string;
}

/** Parses a value (as read from YAML) into a template tree. */
export function parseTemplate(value: unknown): TemplateNode {
  if (typeof value === "string") return parseTemplateString(value);
  if (Array.isArray(value)) return { kind: "list", items: value.map(parseTemplate) };
  if (value !== null && typeof value === "object") {
    return { kind: "map", entries: Object.entries(value).map(([k, v]) => [k, parseTemplate(v)] as const) };
  }
  return { kind: "literal", value };
}

/** Parses one string: literal, exactly one expression, or text with interpolations. */
export function parseTemplateString(source: string): TemplateNode {
  if (!source.includes("${")) return { kind: "literal", value: source };
  const parts: (string | { expr: string })[] = [];
  let text = "";
  let i = 0;
  while (i < source.length) {
    if (source.startsWith("$${", i)) {
      text += "${";
      i += 3;
      continue;
    }
    if (source.startsWith("${", i)) {
      const end = findClose(source, i + 2);
      if (end < 0) return { kind: "invalid", source, message: `unterminated \${ at character ${i + 1}` };
      const expr = source.slice(i + 2, end).trim();
      if (expr === "") return { kind: "invalid", source, message: `empty \${} at character ${i + 1}` };
      if (text) parts.push(text);
      text = "";
      parts.push({ expr });
      i = end + 1;
      continue;
    }
    text += source[i];
    i++;
  }
  if (text) parts.push(text);
  const only = parts[0];
  if (parts.length === 1 && typeof only === "object") return { kind: "expr", expr: only.expr };
  if (parts.every((p) => typeof p === "string")) return { kind: "literal", value: parts.join("") };
  return { kind: "text", parts };
}

/** Index of the `}` closing an expression that starts at `from`, skipping CEL strings and nested braces; -1 if none. */
function findClose(s: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < s.length) {
    const c = s[i];
    if (c === "'" || c === '"') {
      const triple = s.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      i += quote.length;
      while (i < s.length && !s.startsWith(quote, i)) i += s[i] === "\\" ? 2 : 1;
      i += quote.length;
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}") {
      if (depth === 0) return i;
      depth--;
    }
    i++;
  }
  return -1;
}

/** True when the tree holds no expression at all. */
export function isStatic(node: TemplateNode): boolean {
  switch (node.kind) {
    case "literal":
      return true;
    case "map":
      return node.entries.every(([, v]) => isStatic(v));
    case "list":
      return node.items.every(isStatic);
    default:
      return false;
  }
}

/** Converts an expression's value for use inside a longer string. */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function run(evaluate: Evaluate, expr: string, context: Record<string, unknown>, path: readonly (string | number)[], issues: TemplateIssue[]): unknown {
  try {
    return evaluate(expr, context);
  } catch (e) {
    const reason = e instanceof CelError ? e.message.replace(/^CEL ".*?": /s, "") : e instanceof Error ? e.message : String(e);
    issues.push({ path, expression: expr, message: reason });
    return undefined;
  }
}

/**
 * Evaluates a template tree. Problems are appended to `issues` (evaluation goes on, so every
 * broken expression of a template is reported at once); the returned value is then partial.
 */
export function evaluateTemplate(
  node: TemplateNode,
  evaluate: Evaluate,
  context: Record<string, unknown>,
  issues: TemplateIssue[],
  path: readonly (string | number)[] = [],
): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "expr":
      return run(evaluate, node.expr, context, path, issues);
    case "text": {
      let out = "";
      for (const part of node.parts) out += typeof part === "string" ? part : toText(run(evaluate, part.expr, context, path, issues));
      return out;
    }
    case "invalid":
      issues.push({ path, expression: node.source, message: node.message });
      return undefined;
    case "list":
      return node.items.map((item, i) => evaluateTemplate(item, evaluate, context, issues, [...path, i]));
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [key, child] of node.entries) {
        const v = evaluateTemplate(child, evaluate, context, issues, [...path, key]);
        if (v !== null && v !== undefined) out[key] = v;
      }
      return out;
    }
  }
}

/**
 * The CEL of an `includeWhen`: `${expr}` or a bare expression. Returns undefined (with an
 * issue) when it does not parse as one expression.
 */
export function conditionExpression(source: string, issues: TemplateIssue[]): string | undefined {
  const node = parseTemplateString(source.trim());
  if (node.kind === "expr") return node.expr;
  if (node.kind === "literal" && typeof node.value === "string" && node.value.trim() !== "") return node.value.trim();
  issues.push({
    path: [],
    expression: source,
    message: node.kind === "invalid" ? node.message : "includeWhen must be one CEL expression, e.g. ${size(component.endpoints) > 0}",
  });
  return undefined;
}
