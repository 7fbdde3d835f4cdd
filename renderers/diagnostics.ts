/**
 * Diagnostics: every problem Ferry finds in its inputs or outputs, with where it is.
 *
 * Ferry never stops at the first problem: loaders, validators and policies push diagnostics into
 * one list and the caller reports them all together.
 */

/** How bad a finding is: `error` blocks render/validate/publish, `warning` is reported only. */
export type Severity = "error" | "warning";

/** One finding, located as precisely as the input allows. */
export interface Diagnostic {
  readonly severity: Severity;
  /** Repository-relative (or CLI-given) path of the file the finding is about. */
  readonly file: string;
  /** 1-based line; 0 when the finding is about a whole file or a rendered object. */
  readonly line: number;
  /** 1-based column; 0 when unknown. */
  readonly column: number;
  /** Dotted field path inside the document, e.g. `spec.container.image`; empty for the document. */
  readonly field: string;
  readonly message: string;
  /** Stable machine code, e.g. `schema`, `yaml`, `policy/no-latest-tag`. */
  readonly code: string;
  readonly component?: string;
  readonly environment?: string;
  /** `Kind/name` of the rendered object a policy finding is about. */
  readonly resource?: string;
  /** The policy a finding comes from or is about: a platform Policy's `metadata.name` or a built-in's id. */
  readonly policy?: string;
}

/** Joins a field path the way users write it: `spec.traits[0].name`. */
/** An error about a whole file (or a repository, or a rendered file): no line, column or field. */
export function fileError(file: string, code: string, message: string, extra: Partial<Pick<Diagnostic, "component" | "environment">> = {}): Diagnostic {
  return { severity: "error", file, line: 0, column: 0, field: "", code, message, ...extra };
}

export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `policy "name": ` for a finding of a policy, else empty: the prefix formatters put before the field. */
export function policyPrefix(d: Diagnostic): string {
  return d.policy ? `policy ${JSON.stringify(d.policy)}: ` : "";
}

/** `file:line:column: severity: [scope] policy "name": field: message`, the format editors and CI annotations read. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const scope = [d.component, d.environment, d.resource].filter(Boolean).join(" ");
  const field = d.field ? `${d.field}: ` : "";
  return `${where}: ${d.severity}: ${scope ? `[${scope}] ` : ""}${policyPrefix(d)}${field}${d.message}`;
}

/** Orders diagnostics by file, position, then message, so reports are stable across runs. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.field.localeCompare(b.field) || a.message.localeCompare(b.message),
  );
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === "error");
}

/** Thrown when a run must stop because its inputs have errors; carries all of them. */
export class FerryInputError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    super(`${errors.length} error(s) in Ferry inputs:\n` + sortDiagnostics(errors).map(formatDiagnostic).join("\n"));
    this.name = "FerryInputError";
    this.diagnostics = diagnostics;
  }
}

/**
 * Folds findings that differ only in environment (an environment-independent problem found once
 * per environment) into one whose `environment` lists them all, comma-separated.
 */
export function mergeAcrossEnvironments(list: readonly Diagnostic[]): Diagnostic[] {
  const byKey = new Map<string, { d: Diagnostic; envs: string[] }>();
  for (const d of list) {
    const key = JSON.stringify([d.severity, d.file, d.line, d.column, d.field, d.message, d.code, d.component, d.resource, d.policy]);
    const hit = byKey.get(key);
    if (!hit) byKey.set(key, { d, envs: d.environment ? [d.environment] : [] });
    else if (d.environment && !hit.envs.includes(d.environment)) hit.envs.push(d.environment);
  }
  return [...byKey.values()].map(({ d, envs }) => (envs.length > 1 ? { ...d, environment: envs.join(",") } : d));
}
