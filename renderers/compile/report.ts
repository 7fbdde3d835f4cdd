/** Located diagnostics for one compile: every finding names a field of the component document. */
import type { Diagnostic, Severity } from "../diagnostics.js";
import { formatPath } from "../diagnostics.js";
import { releasePath } from "../release.js";
import type { CompileInput, FieldPath } from "../types.js";

/** Collects the diagnostics of one compile, located through `input.locate` when there is one. */
export class Report {
  readonly diagnostics: Diagnostic[] = [];
  private readonly component: string;
  private readonly fallbackFile: string;

  constructor(private readonly input: CompileInput) {
    const { project, component } = input.release.metadata;
    this.component = `${project}/${component}`;
    this.fallbackFile = releasePath(input.release);
  }

  /**
   * Adds a finding about the field at `path` of the component document (e.g.
   * `["spec", "traits", 1, "type"]`). `key` points at the field's key rather than its value;
   * `locateAt` points somewhere else than `path` (e.g. the mapping lacking a missing field).
   */
  add(path: FieldPath, message: string, code: string, opts: { severity?: Severity; key?: boolean; resource?: string; locateAt?: FieldPath } = {}): void {
    const where = this.input.locate?.(opts.locateAt ?? path, { key: opts.key ?? false }) ?? { file: this.fallbackFile, line: 0, column: 0 };
    this.diagnostics.push({
      severity: opts.severity ?? "error",
      file: where.file,
      line: where.line,
      column: where.column,
      field: formatPath(path),
      message,
      code,
      component: this.component,
      environment: this.input.cluster === undefined ? this.input.environment.name : `${this.input.environment.name}/${this.input.cluster}`,
      ...(opts.resource ? { resource: opts.resource } : {}),
    });
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === "error").length;
  }
}
