/**
 * Field-level comparison of Kubernetes objects, as `kubectl diff` and Argo CD's normalised diff
 * see them: git against the cluster compares only the fields git sets (defaults the API server
 * adds and server-owned metadata are not drift); two environments compare every field. Lists of
 * objects that all have a `name` are matched by name (`containers[name=main]`), other lists by
 * position. Pure.
 */
import type { EnvironmentFieldDiff, LiveFieldDiff } from "./model.js";

type Json = unknown;
type Record_ = Readonly<Record<string, Json>>;

/** Metadata the API server owns: never compared. */
const SERVER_METADATA = ["creationTimestamp", "deletionTimestamp", "generation", "managedFields", "resourceVersion", "selfLink", "uid"] as const;

function isRecord(v: Json): v is Record_ {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** `.key`, or `["key"]` when the key is not a plain identifier (label keys). */
function keySegment(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function join(path: string, key: string): string {
  const seg = keySegment(key);
  return path === "" && seg.startsWith(".") ? seg.slice(1) : `${path}${seg}`;
}

/** Equal scalars; a number and its decimal text count as equal (`port: 80` and `"80"`). */
function sameScalar(a: Json, b: Json): boolean {
  if (a === b) return true;
  const numeric = (typeof a === "number" && typeof b === "string") || (typeof a === "string" && typeof b === "number");
  return numeric && String(a) === String(b);
}

/** Deep equality with {@link sameScalar} at the leaves; `null` equals absent. */
export function sameValue(a: Json, b: Json): boolean {
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue(a[k], b[k]));
  }
  return sameScalar(a, b);
}

function isEmpty(v: Json): boolean {
  return (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);
}

/** The names of a list's items when every item is an object with a string `name` and no name repeats. */
function itemNames(list: readonly Json[]): string[] | undefined {
  const names = list.map((x) => (isRecord(x) && typeof x.name === "string" ? x.name : undefined));
  if (names.length === 0 || names.some((n) => n === undefined)) return undefined;
  return new Set(names).size === names.length ? (names as string[]) : undefined;
}

function byName(list: readonly Json[]): Map<string, Json> {
  return new Map(list.map((x) => [(x as Record_).name as string, x]));
}

/** Git's fields that the live value does not match (`live` may have more). */
function gitSideDiffs(git: Json, live: Json, path: string, out: LiveFieldDiff[]): void {
  if (git === null || git === undefined) return;
  // The API server drops empty lists and maps.
  if (isEmpty(git) && (live === null || live === undefined)) return;
  if (isRecord(git)) {
    if (!isRecord(live)) {
      out.push({ path, git, live });
      return;
    }
    for (const key of Object.keys(git).sort()) gitSideDiffs(git[key], live[key], join(path, key), out);
    return;
  }
  if (Array.isArray(git)) {
    if (!Array.isArray(live)) {
      out.push({ path, git, live });
      return;
    }
    const names = itemNames(git);
    const liveNames = names && itemNames(live);
    if (names && liveNames) {
      const have = byName(live);
      const mine = byName(git);
      for (const name of names) gitSideDiffs(mine.get(name), have.get(name), `${path}[name=${name}]`, out);
      for (const name of liveNames.filter((n) => !names.includes(n))) out.push({ path: `${path}[name=${name}]`, git: undefined, live: have.get(name) });
      return;
    }
    if (git.length === live.length && git.every(isRecord)) {
      git.forEach((item, i) => gitSideDiffs(item, live[i], `${path}[${i}]`, out));
      return;
    }
    if (!sameValue(git, live)) out.push({ path, git, live });
    return;
  }
  if (!sameScalar(git, live)) out.push({ path, git, live });
}

/** `obj` without its identity (apiVersion, kind), `status` and the metadata the API server owns. */
export function withoutServerFields(obj: Record_): Record_ {
  const { status: _status, apiVersion: _apiVersion, kind: _kind, ...rest } = obj;
  const meta = isRecord(rest.metadata) ? { ...rest.metadata } : undefined;
  if (meta) for (const k of SERVER_METADATA) delete meta[k];
  return meta ? { ...rest, metadata: meta } : rest;
}

/**
 * The fields git sets whose live value differs, sorted by path: the version the cluster serves
 * the object at, status, server-owned metadata and
 * fields only the cluster has (defaults, annotations of controllers) are not compared; an item
 * added by hand to a list matched by name is.
 */
export function liveFieldDiffs(git: Record_, live: Record_): LiveFieldDiff[] {
  const out: LiveFieldDiff[] = [];
  gitSideDiffs(withoutServerFields(git), live, "", out);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every field where `a` and `b` differ, with both values (undefined: absent), sorted by path. */
export function fieldDiffs(a: Json, b: Json, path = ""): { path: string; a: Json; b: Json }[] {
  const out: { path: string; a: Json; b: Json }[] = [];
  const walk = (x: Json, y: Json, p: string): void => {
    if (sameValue(x, y)) return;
    if (isRecord(x) && isRecord(y)) {
      for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) walk(x[key], y[key], join(p, key));
      return;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      const nx = itemNames(x);
      const ny = itemNames(y);
      if (nx && ny) {
        const mx = byName(x);
        const my = byName(y);
        for (const name of [...new Set([...nx, ...ny])].sort()) walk(mx.get(name), my.get(name), `${p}[name=${name}]`);
        return;
      }
      if (x.length === y.length && x.every(isRecord) && y.every(isRecord)) {
        x.forEach((item, i) => walk(item, y[i], `${p}[${i}]`));
        return;
      }
    }
    out.push({ path: p, a: x, b: y });
  };
  walk(a, b, path);
  return out.sort((l, r) => (l.path < r.path ? -1 : l.path > r.path ? 1 : 0));
}

/**
 * The fields where two environments' files differ other than their releases render them: a git
 * difference the render does not have, or has with other values, and a rendered difference git
 * does not have (an override that did not land).
 */
export function undeclaredDiffs(names: readonly [string, string], git: readonly [Json, Json], expected: readonly [Json, Json]): EnvironmentFieldDiff[] {
  const [first, second] = names;
  const inGit = new Map(fieldDiffs(git[0], git[1]).map((d) => [d.path, d]));
  const declared = new Map(fieldDiffs(expected[0], expected[1]).map((d) => [d.path, d]));
  const out: EnvironmentFieldDiff[] = [];
  const at = (value: Json, path: string): Json => valueAt(value, path);
  for (const path of [...new Set([...inGit.keys(), ...declared.keys()])].sort()) {
    const g = inGit.get(path);
    const e = declared.get(path);
    if (g && e && sameValue(g.a, e.a) && sameValue(g.b, e.b)) continue;
    out.push({
      path,
      git: { [first]: g ? g.a : at(git[0], path), [second]: g ? g.b : at(git[1], path) },
      expected: { [first]: e ? e.a : at(expected[0], path), [second]: e ? e.b : at(expected[1], path) },
    });
  }
  return out;
}

/** Splits a path written by this module back into its steps. */
function steps(path: string): ({ key: string } | { index: number } | { name: string })[] {
  const out: ({ key: string } | { index: number } | { name: string })[] = [];
  const re = /(?:^|\.)([A-Za-z_$][\w$-]*)|\[("(?:[^"\\]|\\.)*")\]|\[name=([^\]]*)\]|\[(\d+)\]/g;
  for (const m of path.matchAll(re)) {
    if (m[1] !== undefined) out.push({ key: m[1] });
    else if (m[2] !== undefined) out.push({ key: JSON.parse(m[2]) as string });
    else if (m[3] !== undefined) out.push({ name: m[3] });
    else if (m[4] !== undefined) out.push({ index: Number(m[4]) });
  }
  return out;
}

/** The value at a path written by this module (undefined when absent). */
export function valueAt(value: Json, path: string): Json {
  let current = value;
  for (const s of steps(path)) {
    if ("key" in s) current = isRecord(current) ? current[s.key] : undefined;
    else if ("index" in s) current = Array.isArray(current) ? current[s.index] : undefined;
    else current = Array.isArray(current) ? current.find((x) => isRecord(x) && x.name === s.name) : undefined;
    if (current === undefined) return undefined;
  }
  return current;
}
