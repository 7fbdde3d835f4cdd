/**
 * Safe YAML reading with source positions.
 *
 * Ferry reads YAML written by people it does not trust, so parsing is bounded: a size cap per
 * file, a cap on alias expansion (billion-laughs), duplicate keys refused, and no tags at all
 * beyond the plain core schema (`!!python/object` and friends never reach a constructor).
 * Every document keeps its syntax tree so that later checks can point at the exact line and
 * column of a field.
 */
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit } from "yaml";
import type { Document, Node } from "yaml";
import { formatPath } from "./diagnostics.js";
import type { Diagnostic, Severity } from "./diagnostics.js";

/** Limits applied to every YAML file Ferry reads. */
export interface YamlLimits {
  /**
   * Largest file accepted, in bytes.
   * @default 1048576 (1 MiB)
   */
  readonly maxBytes: number;
  /**
   * How many alias nodes may be resolved per document before it is refused as an alias bomb.
   * @default 64
   */
  readonly maxAliasCount: number;
  /**
   * Most documents in one file.
   * @default 200
   */
  readonly maxDocuments: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxBytes: 1024 * 1024, maxAliasCount: 64, maxDocuments: 200 };

/** A parsed document and the means to locate any field path inside it. */
export interface SourceDocument {
  readonly file: string;
  /** 0-based position of the document in its file. */
  readonly index: number;
  /** Plain JavaScript value of the document. */
  readonly value: unknown;
  /** Line and column (1-based) of the node at `path`, or of its nearest existing ancestor. */
  locate(path: readonly (string | number)[], opts?: { key?: boolean }): { line: number; column: number };
  /**
   * Line and column (1-based) in the file of the character at `offset` of the string at `path`,
   * through block scalars (`|`, `>-`), quotes and line folding; the string's own position when its
   * text cannot be matched character for character (escapes), or `locate` when it is not a string.
   */
  locateInString(path: readonly (string | number)[], offset: number): { line: number; column: number };
}

/** Builds a diagnostic located at a field of a document. */
export function diagnosticAt(
  doc: SourceDocument,
  path: readonly (string | number)[],
  message: string,
  extra: { code?: string; severity?: Severity; key?: boolean } = {},
): Diagnostic {
  const pos = doc.locate(path, { key: extra.key ?? false });
  return {
    severity: extra.severity ?? "error",
    file: doc.file,
    line: pos.line,
    column: pos.column,
    field: formatPath(path),
    message,
    code: extra.code ?? "schema",
  };
}

function fileDiagnostic(file: string, message: string, code: string, line = 0, column = 0): Diagnostic {
  return { severity: "error", file, line, column, field: "", message, code };
}

/**
 * Parses every document of a YAML file. Problems are appended to `diagnostics`; a file with any
 * problem yields no documents, so nothing downstream ever sees half a file.
 */
export function parseYamlDocuments(file: string, text: string, diagnostics: Diagnostic[], limits: YamlLimits = DEFAULT_YAML_LIMITS): SourceDocument[] {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > limits.maxBytes) {
    diagnostics.push(fileDiagnostic(file, `file is ${bytes} bytes, larger than the ${limits.maxBytes}-byte limit`, "yaml/too-large"));
    return [];
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    schema: "core",
    customTags: [],
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    merge: false,
  });
  const list = Array.isArray(docs) ? docs : [];
  const before = diagnostics.length;
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (list.length > limits.maxDocuments) {
    diagnostics.push(fileDiagnostic(file, `file holds ${list.length} documents, more than ${limits.maxDocuments}`, "yaml/too-many-documents"));
    return [];
  }
  const out: SourceDocument[] = [];
  list.forEach((doc, index) => {
    for (const err of [...doc.errors, ...doc.warnings]) {
      if (err.code === "TAG_RESOLVE_FAILED") continue; // reported by rejectTags with a clearer message
      const p = pos(err.pos[0]);
      diagnostics.push(fileDiagnostic(file, `invalid YAML: ${firstLine(err.message)}`, "yaml/syntax", p.line, p.column));
    }
    rejectTags(doc, file, pos, diagnostics);
    if (doc.errors.length > 0 || doc.warnings.length > 0) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const excessive = /alias/i.test(message);
      diagnostics.push(
        fileDiagnostic(
          file,
          excessive
            ? `document ${index + 1} expands too many aliases (limit ${limits.maxAliasCount}): refused as a possible alias bomb`
            : `invalid YAML: ${firstLine(message)}`,
          excessive ? "yaml/alias-bomb" : "yaml/syntax",
          doc.contents ? pos(doc.contents.range?.[0] ?? 0).line : 1,
          1,
        ),
      );
      return;
    }
    if (value === null || value === undefined) return; // empty document (e.g. trailing `---`)
    out.push({
      file,
      index,
      value,
      locate: (path, opts) => locateIn(doc, path, opts?.key ?? false, pos),
      locateInString: (path, offset) => locateInString(doc, text, path, offset, pos),
    });
  });
  return diagnostics.length > before ? [] : out;
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}

/** Ferry's files use plain YAML only: any explicit tag (`!foo`, `!!binary`, `!!python/...`) is refused. */
function rejectTags(doc: Document.Parsed, file: string, pos: (offset: number) => { line: number; column: number }, diagnostics: Diagnostic[]): void {
  visit(doc, (_key, node) => {
    if (isNode(node) && node.tag && hasExplicitTag(node)) {
      const p = pos(node.range?.[0] ?? 0);
      diagnostics.push(fileDiagnostic(file, `YAML tag ${node.tag} is not allowed: Ferry reads plain YAML only`, "yaml/tag", p.line, p.column));
    }
  });
}

function hasExplicitTag(node: Node): boolean {
  // The parser only sets `tag` on nodes whose source carries one; resolved core types leave it unset.
  return typeof node.tag === "string" && node.tag.length > 0;
}

function locateIn(
  doc: Document.Parsed,
  path: readonly (string | number)[],
  wantKey: boolean,
  pos: (offset: number) => { line: number; column: number },
): { line: number; column: number } {
  let node: unknown = doc.contents;
  let best: { line: number; column: number } = pos(doc.contents?.range?.[0] ?? 0);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return best;
      const keyNode = pair.key as Node;
      if (last && wantKey) return pos(keyNode.range?.[0] ?? 0);
      if (keyNode.range) best = pos(keyNode.range[0]);
      node = pair.value;
      if (isNode(node) && node.range) best = pos(node.range[0]);
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (!item) return best;
      node = item;
      if (isNode(node) && node.range) best = pos(node.range[0]);
    } else {
      return best;
    }
  }
  return best;
}

function nodeAt(doc: Document.Parsed, path: readonly (string | number)[]): unknown {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) node = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg))?.value;
    else if (isSeq(node) && typeof seg === "number") node = node.items[seg];
    else return undefined;
  }
  return node;
}

/**
 * Maps `offset` in a string scalar's value to its place in the file. The value's characters other
 * than white space appear in the source in the same order (plain and block scalars, quotes without
 * escapes); white space may differ (folding, indentation), so the n-th such character of the value
 * is the n-th of the source text.
 */
function locateInString(
  doc: Document.Parsed,
  text: string,
  path: readonly (string | number)[],
  offset: number,
  pos: (offset: number) => { line: number; column: number },
): { line: number; column: number } {
  const node = nodeAt(doc, path);
  if (!isScalar(node) || typeof node.value !== "string" || !node.range) return locateIn(doc, path, false, pos);
  const value = node.value;
  let start = node.range[0];
  let end = node.range[1];
  if (node.type === "BLOCK_FOLDED" || node.type === "BLOCK_LITERAL") {
    const nl = text.indexOf("\n", start);
    start = nl < 0 ? end : nl + 1;
  } else if (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") {
    start += 1;
    end -= 1;
  }
  const source = text.slice(start, end);
  const visible = (s: string) => s.replace(/\s+/g, "");
  if (visible(source) !== visible(value)) return pos(node.range[0]);
  // The n-th visible character of the value at or after `offset` (or after the last one).
  let n = 0;
  let i = 0;
  const at = Math.max(0, Math.min(offset, value.length));
  for (; i < at; i++) if (!/\s/.test(value[i]!)) n++;
  const afterLast = value.slice(at).trim() === "";
  let seen = 0;
  let last = 0;
  for (let j = 0; j < source.length; j++) {
    if (/\s/.test(source[j]!)) continue;
    if (seen === n && !afterLast) return pos(start + j);
    last = j;
    seen++;
  }
  return pos(start + (seen > 0 ? last + 1 : 0));
}
