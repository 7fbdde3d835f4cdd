/** What the commands print besides their own results: diagnostics, and the platform a command stopped on. */
import type { Diagnostic } from "../renderers/diagnostics.js";
import { formatDiagnostic, sortDiagnostics } from "../renderers/diagnostics.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { loadPlatform } from "../operations/workspace.js";
import type { CliIo } from "./io.js";

/** Prints diagnostics, errors last so they stay on screen. */
export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  const sorted = sortDiagnostics(diagnostics);
  for (const d of sorted.filter((x) => x.severity === "warning")) io.stderr(`${formatDiagnostic(d)}\n`);
  for (const d of sorted.filter((x) => x.severity === "error")) io.stderr(`${formatDiagnostic(d)}\n`);
}

/**
 * Loads the platform checkout for a command that needs only the platform: prints its
 * diagnostics, and says which command stopped when it has errors (undefined then).
 */
export function loadPlatformForCommand(io: CliIo, command: string, dir: string): PlatformBundle | undefined {
  const { bundle, diagnostics } = loadPlatform(dir);
  printDiagnostics(io, diagnostics);
  if (!bundle) io.stderr(`ferry ${command}: the platform has errors\n`);
  return bundle;
}
