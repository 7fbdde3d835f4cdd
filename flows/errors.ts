/** The errors the flows share (a platform that cannot be read), and how an error is told in one line. */
import type { Diagnostic } from "../renderers/diagnostics.js";
import { formatDiagnostic } from "../renderers/diagnostics.js";

/** The platform repository could not be read or has errors; the message lists them. */
export class PlatformUnavailable extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    super(`the platform has ${errors.length} error(s): ${errors.slice(0, 5).map(formatDiagnostic).join("; ")}${errors.length > 5 ? "; …" : ""}`);
    this.name = "PlatformUnavailable";
    this.diagnostics = diagnostics;
  }
}

/** The HTTP status of a GitHub API error, if it has one. */
export { httpStatus } from "../adapters/github/errors.js";

/** The message of an error, first line. */
export function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "";
}
