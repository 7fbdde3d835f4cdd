/**
 * Loading Ferry's inputs from files into checked models.
 *
 * Pure: callers hand in file contents (read from disk by the CLI, from the GitHub API by the
 * app), so loading is the same everywhere and needs no I/O. Every problem in every file is
 * collected; a file or document with problems contributes nothing.
 */
import type { z } from "zod";
import type { Diagnostic } from "./diagnostics.js";
import { fileError, formatPath } from "./diagnostics.js";
import { KINDS, isKindName } from "./model/index.js";
import { shortJson } from "./short-json.js";
import type { Component, ComponentType, KindName, Platform, Policy, Trait } from "./model/index.js";
import { diagnosticAt, parseYamlDocuments } from "./yaml.js";
import type { SourceDocument, YamlLimits } from "./yaml.js";

/** Files of one repository: repository-relative POSIX path → text. */
export type FileMap = ReadonlyMap<string, string>;

/** A checked document with where it came from. */
export interface Loaded<T> {
  readonly value: T;
  readonly source: SourceDocument;
}

/** Joins a display root (e.g. `examples/platform`) and a repository path for messages. */
export function displayPath(root: string, rel: string): string {
  if (!root || root === ".") return rel;
  return `${root.replace(/\/+$/, "")}/${rel}`;
}

/** Checks one parsed document against the schema of the kind it must be; pushes located errors. */
export function checkDocument<K extends KindName>(
  doc: SourceDocument,
  expected: readonly K[],
  diagnostics: Diagnostic[],
): (Loaded<z.infer<(typeof KINDS)[K]>> & { kind: K }) | undefined {
  const value = doc.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    diagnostics.push(diagnosticAt(doc, [], `document ${doc.index + 1} must be a mapping with apiVersion, kind, metadata and spec`));
    return undefined;
  }
  const kind = (value as { kind?: unknown }).kind;
  if (!isKindName(kind) || !(expected as readonly string[]).includes(kind)) {
    diagnostics.push(diagnosticAt(doc, ["kind"], `kind ${JSON.stringify(kind ?? null)} is not allowed here; expected ${expected.join(" or ")}`));
    return undefined;
  }
  const schema = KINDS[kind as K];
  const result = schema.safeParse(value);
  if (!result.success) {
    diagnostics.push(...issuesToDiagnostics(doc, result.error.issues));
    return undefined;
  }
  return { kind: kind as K, value: result.data as z.infer<(typeof KINDS)[K]>, source: doc };
}

/** Turns zod issues into located diagnostics; unknown fields point at the offending key. */
export function issuesToDiagnostics(doc: SourceDocument, issues: readonly z.core.$ZodIssue[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push(diagnosticAt(doc, [...path, key], `unknown field ${JSON.stringify(key)}`, { key: true }));
      }
      continue;
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // Report the branch that got furthest instead of "invalid input".
      const branches = issue.errors;
      const best = [...branches].sort((a, b) => depth(b) - depth(a))[0] ?? [];
      if (best.length > 0) {
        out.push(...issuesToDiagnostics(doc, best));
        continue;
      }
    }
    out.push(diagnosticAt(doc, path, describeIssue(issue, doc.value, path)));
  }
  return out;
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown, path: readonly (string | number)[]): string {
  if (issue.code === "invalid_type") {
    const actual = valueAt(root, path);
    if (actual === undefined) return `missing required field ${JSON.stringify(formatPath(path).split(".").pop() ?? "")}`;
    return `expected ${issue.expected}, got ${jsonType(actual)} ${shortJson(actual)}`;
  }
  if (issue.code === "invalid_value" && "values" in issue) {
    return `${shortJson(valueAt(root, path))} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return issue.message;
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "object" ? "mapping" : typeof v;
}

function parseAll(root: string, files: FileMap, paths: readonly string[], diagnostics: Diagnostic[], limits?: YamlLimits): SourceDocument[] {
  const docs: SourceDocument[] = [];
  for (const rel of paths) {
    const text = files.get(rel);
    if (text === undefined) continue;
    docs.push(...parseYamlDocuments(displayPath(root, rel), text, diagnostics, limits));
  }
  return docs;
}

const YAML_FILE = /\.ya?ml$/;

/** Files directly inside `dir` (not below), sorted. */
function filesIn(files: FileMap, dir: string): string[] {
  const prefix = `${dir}/`;
  return [...files.keys()].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes("/") && YAML_FILE.test(p)).sort();
}

/** The platform repository's definitions (without built-ins merged in). */
export interface PlatformSources {
  readonly platform: Loaded<Platform> | undefined;
  readonly componentTypes: readonly Loaded<ComponentType>[];
  readonly traits: readonly Loaded<Trait>[];
  readonly policies: readonly Loaded<Policy>[];
}

/** Reads `.ferry/platform.yaml` and the `component-types/`, `traits/` and `policies/` folders. */
export function loadPlatformSources(root: string, files: FileMap, diagnostics: Diagnostic[], limits?: YamlLimits): PlatformSources {
  const platformFile = [".ferry/platform.yaml", ".ferry/platform.yml"].find((p) => files.has(p));
  let platform: Loaded<Platform> | undefined;
  if (!platformFile) {
    diagnostics.push(fileError(displayPath(root, ".ferry/platform.yaml"), "platform/missing", "the platform repository has no .ferry/platform.yaml"));
  } else {
    const docs = parseAll(root, files, [platformFile], diagnostics, limits);
    if (docs.length > 1) {
      diagnostics.push(diagnosticAt(docs[1]!, [], "platform.yaml must hold exactly one Platform document"));
    }
    platform = docs[0] ? checkDocument(docs[0], ["Platform"], diagnostics) : undefined;
  }
  const folder = <K extends "ComponentType" | "Trait" | "Policy">(dir: string, kind: K) =>
    parseAll(root, files, filesIn(files, `.ferry/${dir}`), diagnostics, limits)
      .map((d) => checkDocument(d, [kind], diagnostics))
      .filter((x): x is NonNullable<typeof x> => x !== undefined);
  const componentTypes = folder("component-types", "ComponentType") as Loaded<ComponentType>[];
  const traits = folder("traits", "Trait") as Loaded<Trait>[];
  const policies = folder("policies", "Policy") as Loaded<Policy>[];
  for (const list of [componentTypes, traits, policies] as const) rejectDuplicateNames(list, diagnostics);
  return { platform, componentTypes, traits, policies };
}

/** Reads the `Component` documents of an app repository's `.ferry/*.yaml`. */
export function loadAppComponents(root: string, files: FileMap, diagnostics: Diagnostic[], limits?: YamlLimits): Loaded<Component>[] {
  const docs = parseAll(root, files, filesIn(files, ".ferry"), diagnostics, limits);
  const out = docs.map((d) => checkDocument(d, ["Component"], diagnostics)).filter((x): x is NonNullable<typeof x> => x !== undefined) as Loaded<Component>[];
  return out;
}

function rejectDuplicateNames(list: readonly Loaded<{ metadata: { name: string }; kind: string }>[], diagnostics: Diagnostic[]): void {
  const seen = new Map<string, Loaded<{ metadata: { name: string }; kind: string }>>();
  for (const item of list) {
    const first = seen.get(item.value.metadata.name);
    if (first) {
      const at = first.source.locate(["metadata", "name"]);
      diagnostics.push(
        diagnosticAt(
          item.source,
          ["metadata", "name"],
          `${item.value.kind} ${JSON.stringify(item.value.metadata.name)} is already defined at ${first.source.file}:${at.line}:${at.column}`,
        ),
      );
    } else {
      seen.set(item.value.metadata.name, item);
    }
  }
}
