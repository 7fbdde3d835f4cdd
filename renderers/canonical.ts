/** Canonical forms: sorted keys everywhere, so equal content is equal bytes. */
import { createHash } from "node:crypto";
import { dump } from "js-yaml";

/** Deep copy with object keys sorted (arrays keep their order); drops `undefined` values. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out as T;
  }
  return value;
}

/** JSON with sorted keys: the input of content hashes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** Hex SHA-256 of the canonical JSON of `value`. */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/**
 * YAML with sorted keys, no anchors, no line folding: the form of every file Ferry writes.
 * js-yaml's emitter: about 4x faster than the `yaml` package's on rendered manifests (see
 * `npm run bench`), and it quotes every string a YAML 1.1 reader such as kubectl's would take
 * for something else (`yes`, `on`, `12:30`), where `yaml` (a YAML 1.2 emitter) leaves them bare.
 * `undefined` values are left out, as in JSON.
 */
export function toYaml(value: unknown): string {
  return dump(value, { sortKeys: true, lineWidth: -1, noRefs: true, skipInvalid: true });
}
