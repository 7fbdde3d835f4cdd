/**
 * Ferry's seal on the commits it makes on a promotion branch: the `Ferry-Seal` trailer, an
 * HMAC-SHA256 with a key only the Ferry app holds (app/seal.ts) over the commit's tree, its
 * parents and every other trailer (who asked, which release, from where). A person who can push to
 * the branch can copy trailers but cannot seal a commit of their own: the gates read who asked and
 * which release from sealed commits only, and fail on a commit that is not. Pure (`node:crypto`
 * for the HMAC).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { TRAILERS } from "./trailers.js";
import type { Trailers } from "./trailers.js";

/** What a seal covers. */
export interface SealedCommit {
  readonly tree: string;
  readonly parents: readonly string[];
  /** Every trailer of the commit; a `Ferry-Seal` among them is left out. */
  readonly trailers: Trailers;
}

const VERSION = "v1";

/** The text a seal is the HMAC of: version, tree, parents, then the trailers as `formatCommitMessage` writes them (sorted by key). */
export function sealPayload(c: SealedCommit): string {
  const lines = [`ferry-seal-${VERSION}`, `tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`)];
  for (const key of Object.keys(c.trailers).sort()) {
    if (key.toLowerCase() === TRAILERS.seal.toLowerCase()) continue;
    const value = c.trailers[key];
    const values: readonly string[] = typeof value === "string" ? [value] : (value ?? []);
    for (const v of values) lines.push(`${key}: ${v.trim()}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The `Ferry-Seal` value of a commit: `v1 <hex HMAC-SHA256>`. */
export function commitSeal(key: Uint8Array, c: SealedCommit): string {
  return `${VERSION} ${createHmac("sha256", key).update(sealPayload(c)).digest("hex")}`;
}

/** Whether a commit carries exactly one `Ferry-Seal` and it is the one `key` gives (compared in constant time). */
export function sealHolds(key: Uint8Array, c: SealedCommit): boolean {
  const found = Object.entries(c.trailers).filter(([k]) => k.toLowerCase() === TRAILERS.seal.toLowerCase());
  const values = found.flatMap(([, v]) => (typeof v === "string" ? [v] : [...(v ?? [])]));
  if (values.length !== 1) return false;
  const given = Buffer.from(values[0]!.trim());
  const wanted = Buffer.from(commitSeal(key, c));
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
