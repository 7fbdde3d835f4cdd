/** Label and field selectors as the kube-apiserver parses them (the subset Ferry and kubectl use). */

type Labels = Record<string, string>;

type Requirement =
  { op: "exists" | "!exists"; key: string } | { op: "=" | "!="; key: string; value: string } | { op: "in" | "notin"; key: string; values: string[] };

/** A parsed selector: a conjunction of requirements. */
export type Selector = (labels: Labels) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseRequirement(part: string): Requirement {
  let m = /^!\s*([^\s=!,()]+)$/.exec(part);
  if (m?.[1]) return { op: "!exists", key: m[1] };
  m = /^([^\s=!,()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
  if (m?.[1] && m[2] && m[3] !== undefined) {
    return { op: m[2] as "in" | "notin", key: m[1], values: m[3].split(",").map((v) => v.trim()) };
  }
  m = /^([^\s=!,()]+)\s*(==|=|!=)\s*([^\s=!,()]*)$/.exec(part);
  if (m?.[1] && m[2] && m[3] !== undefined) return { op: m[2] === "!=" ? "!=" : "=", key: m[1], value: m[3] };
  m = /^([^\s=!,()]+)$/.exec(part);
  if (m?.[1]) return { op: "exists", key: m[1] };
  throw new Error(`unable to parse requirement: ${JSON.stringify(part)}`);
}

function matches(r: Requirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case "exists":
      return has;
    case "!exists":
      return !has;
    case "=":
      return v === r.value;
    case "!=":
      return v !== r.value;
    case "in":
      return v !== undefined && r.values.includes(v);
    case "notin":
      return v === undefined || !r.values.includes(v);
  }
}

/** Parses a label selector (`a`, `!a`, `a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, comma-joined). Throws on bad syntax. */
export function parseLabelSelector(s: string | null): Selector {
  const reqs = splitTop(s ?? "").map(parseRequirement);
  return (labels) => reqs.every((r) => matches(r, labels));
}

function fieldValue(obj: unknown, path: string): string | undefined {
  let cur: unknown = obj;
  for (const seg of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (cur === undefined || cur === null) return "";
  return typeof cur === "string" ? cur : JSON.stringify(cur);
}

/** Parses a field selector (`type=Warning`, `metadata.name!=x`, comma-joined) over dotted paths. Throws on bad syntax. */
export function parseFieldSelector(s: string | null): (obj: unknown) => boolean {
  const reqs = splitTop(s ?? "").map((part) => {
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m?.[1] || !m[2] || m[3] === undefined) throw new Error(`invalid field selector: ${JSON.stringify(part)}`);
    return { path: m[1], neg: m[2] === "!=", value: m[3] };
  });
  return (obj) => reqs.every((r) => (fieldValue(obj, r.path) === r.value) !== r.neg);
}
