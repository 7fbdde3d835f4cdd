/** Differences between two trees of rendered files, with unified line diffs. Pure. */

export type FileChange =
  | { readonly path: string; readonly status: "added"; readonly after: string }
  | { readonly path: string; readonly status: "removed"; readonly before: string }
  | { readonly path: string; readonly status: "changed"; readonly before: string; readonly after: string };

export interface TreeDiff {
  readonly changes: readonly FileChange[];
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly unchanged: number;
}

/** Compares two trees (path → content); changes sorted by path. */
export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): TreeDiff {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: FileChange[] = [];
  let unchanged = 0;
  for (const path of paths) {
    const a = before.get(path);
    const b = after.get(path);
    if (a === undefined && b !== undefined) changes.push({ path, status: "added", after: b });
    else if (a !== undefined && b === undefined) changes.push({ path, status: "removed", before: a });
    else if (a !== b && a !== undefined && b !== undefined) changes.push({ path, status: "changed", before: a, after: b });
    else unchanged++;
  }
  const count = (s: FileChange["status"]) => changes.filter((c) => c.status === s).length;
  return { changes, added: count("added"), changed: count("changed"), removed: count("removed"), unchanged };
}

function lines(text: string): string[] {
  if (text === "") return [];
  const out = text.split("\n");
  if (out[out.length - 1] === "") out.pop();
  return out;
}

type Op = { readonly kind: " " | "-" | "+"; readonly text: string };

/** Line edit script by longest common subsequence (manifests are small; quadratic is fine up to a cap). */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const ops: Op[] = a.slice(0, start).map((text) => ({ kind: " ", text }));
  if (midA.length * midB.length > 4_000_000) {
    ops.push(...midA.map((text) => ({ kind: "-" as const, text })), ...midB.map((text) => ({ kind: "+" as const, text })));
  } else {
    const n = midA.length;
    const m = midB.length;
    const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i]![j] = midA[i] === midB[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        ops.push({ kind: " ", text: midA[i]! });
        i++;
        j++;
      } else if (j < m && (i >= n || table[i]![j + 1]! > table[i + 1]![j]!)) {
        ops.push({ kind: "+", text: midB[j]! });
        j++;
      } else {
        ops.push({ kind: "-", text: midA[i]! });
        i++;
      }
    }
  }
  ops.push(...a.slice(endA).map((text) => ({ kind: " " as const, text })));
  return ops;
}

/** A unified diff (`---`/`+++` headers, `@@` hunks with `context` lines around changes). */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  const a = lines(before);
  const b = lines(after);
  const ops = editScript(a, b);
  const out: string[] = [`--- ${before === "" ? "/dev/null" : `a/${path}`}`, `+++ ${after === "" ? "/dev/null" : `b/${path}`}`];
  const changed = ops.map((o, i) => (o.kind !== " " ? i : -1)).filter((i) => i >= 0);
  if (changed.length === 0) return "";
  let idx = 0;
  while (idx < changed.length) {
    const first = changed[idx]!;
    let last = first;
    while (idx + 1 < changed.length && changed[idx + 1]! - last <= context * 2 + 1) last = changed[++idx]!;
    idx++;
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    let aLine = 1;
    let bLine = 1;
    for (let k = 0; k < from; k++) {
      if (ops[k]!.kind !== "+") aLine++;
      if (ops[k]!.kind !== "-") bLine++;
    }
    const hunk = ops.slice(from, to + 1);
    const aCount = hunk.filter((o) => o.kind !== "+").length;
    const bCount = hunk.filter((o) => o.kind !== "-").length;
    out.push(`@@ -${aCount === 0 ? aLine - 1 : aLine},${aCount} +${bCount === 0 ? bLine - 1 : bLine},${bCount} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
  }
  return `${out.join("\n")}\n`;
}

/** The unified diff of one change. */
export function changeDiff(change: FileChange): string {
  if (change.status === "added") return unifiedDiff(change.path, "", change.after);
  if (change.status === "removed") return unifiedDiff(change.path, change.before, "");
  return unifiedDiff(change.path, change.before, change.after);
}
