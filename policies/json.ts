/** Narrow, total accessors for plain JSON values (rendered objects are untyped beyond kind/name). */

export type JsonRecord = Record<string, unknown>;

/** The value as a mapping, or undefined when it is not one. */
export function asRecord(value: unknown): JsonRecord | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

/** The value as a list, or an empty list when it is not one. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value as a string, or undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The value as a number, or undefined. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Follows `path` through mappings and lists; undefined as soon as a step is missing. */
export function get(root: unknown, path: readonly (string | number)[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (typeof seg === "number") {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      const rec = asRecord(cur);
      if (!rec || !Object.prototype.hasOwnProperty.call(rec, seg)) return undefined;
      cur = rec[seg];
    }
  }
  return cur;
}

/** Whether a quantity-like field holds something (a non-empty string or a number). */
export function isSet(value: unknown): boolean {
  return (typeof value === "string" && value.trim() !== "") || typeof value === "number";
}
