/** Platform and Policy documents as the engine takes them: checked values, with their source when known. */
import type { Diagnostic, Severity } from "../renderers/diagnostics.js";
import { formatPath } from "../renderers/diagnostics.js";
import type { Loaded } from "../renderers/load.js";
import type { Platform, Policy } from "../renderers/model/index.js";
import { diagnosticAt } from "../renderers/yaml.js";
import type { SourceDocument } from "../renderers/yaml.js";

/** A document value and, when it was read from a file, where. */
export interface Sourced<T> {
  readonly value: T;
  readonly source?: SourceDocument;
  /** File named in diagnostics when there is no source. */
  readonly file: string;
}

function isLoaded<T>(x: T | Loaded<T>): x is Loaded<T> {
  return x !== null && typeof x === "object" && "source" in x && "value" in x;
}

/** The Platform with its source; a bare value is reported against `.ferry/platform.yaml`. */
export function sourcedPlatform(platform: Platform | Loaded<Platform>, source?: SourceDocument): Sourced<Platform> {
  if (isLoaded(platform)) return { value: platform.value, source: platform.source, file: platform.source.file };
  return { value: platform, ...(source ? { source } : {}), file: source?.file ?? ".ferry/platform.yaml" };
}

/** Policies with their sources, sorted by name so reports are stable. */
export function sourcedPolicies(policies: readonly (Policy | Loaded<Policy>)[]): Sourced<Policy>[] {
  return policies
    .map((p): Sourced<Policy> =>
      isLoaded(p) ? { value: p.value, source: p.source, file: p.source.file } : { value: p, file: `.ferry/policies/${p.metadata.name}.yaml` },
    )
    .sort((a, b) => (a.value.metadata.name < b.value.metadata.name ? -1 : a.value.metadata.name > b.value.metadata.name ? 1 : 0));
}

/** A diagnostic at a field of a sourced document (line 0 when the document has no source). */
export function diagnosticIn(
  doc: Sourced<unknown>,
  path: readonly (string | number)[],
  message: string,
  code: string,
  severity: Severity = "error",
  key = false,
): Diagnostic {
  if (doc.source) return diagnosticAt(doc.source, path, message, { code, severity, key });
  return { severity, file: doc.file, line: 0, column: 0, field: formatPath(path), message, code };
}
