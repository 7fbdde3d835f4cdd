/**
 * Check run annotations from diagnostics. Pure.
 *
 * GitHub takes at most 50 annotations per create/update request and appends the annotations of
 * every update, so long lists are sent in batches. An annotation must point at a file of the
 * repository the check run belongs to: findings about other files (the platform repository,
 * rendered manifests) go into the check's text instead.
 */
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { formatDiagnostic, policyPrefix, sortDiagnostics } from "../../renderers/diagnostics.js";

/** GitHub's cap on annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50;

/** The annotation object of the checks API. */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
}

const MAX_TITLE = 255;
const MAX_MESSAGE = 64 * 1024 - 1;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One diagnostic as an annotation on `file` (a path in the annotated repository); a policy's finding names the policy in title and message. */
export function toAnnotation(d: Diagnostic): Annotation {
  const line = Math.max(1, d.line);
  const scope = [d.component, d.environment, d.resource].filter(Boolean).join(" ");
  // A policy's own finding (code `policy/<name>`) is titled by the policy alone; others keep their code.
  const code = d.policy && d.code === `policy/${d.policy}` ? "" : ` (${d.code})`;
  const from = d.policy ? ` from policy ${JSON.stringify(d.policy)}` : "";
  const title = clip(`${d.severity === "error" ? "Error" : "Warning"}${code}${from}${d.field ? ` at ${d.field}` : ""}`, MAX_TITLE);
  const annotation: Annotation = {
    path: d.file,
    start_line: line,
    end_line: line,
    annotation_level: d.severity === "error" ? "failure" : "warning",
    message: clip(`${scope ? `[${scope}] ` : ""}${policyPrefix(d)}${d.message}`, MAX_MESSAGE),
    title,
  };
  if (d.line > 0 && d.column > 0) {
    annotation.start_column = d.column;
    annotation.end_column = d.column;
  }
  return annotation;
}

/** Diagnostics split into annotations (on files of the repository) and the rest. */
export interface AnnotationPlan {
  readonly annotations: readonly Annotation[];
  /** Findings that cannot be annotated (other repositories, rendered files), formatted. */
  readonly unlocated: readonly string[];
}

/**
 * Turns diagnostics into annotations for files in `repoFiles` (repository-relative paths); the
 * others are returned formatted for the check's text. Duplicates are dropped, order is stable.
 */
export function planAnnotations(diagnostics: readonly Diagnostic[], repoFiles: ReadonlySet<string>): AnnotationPlan {
  const annotations: Annotation[] = [];
  const unlocated: string[] = [];
  const seen = new Set<string>();
  for (const d of sortDiagnostics(diagnostics)) {
    const key = formatDiagnostic(d);
    if (seen.has(key)) continue;
    seen.add(key);
    if (repoFiles.has(d.file)) annotations.push(toAnnotation(d));
    else unlocated.push(key);
  }
  return { annotations, unlocated };
}

/** Splits a list into request-sized batches (never an empty batch list for an empty input: `[]`). */
export function batches<T>(items: readonly T[], size = ANNOTATIONS_PER_REQUEST): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`batch size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
