/**
 * Hidden markers that identify Ferry's upserted comments. Pure.
 *
 * A comment Ferry keeps up to date starts with `<!-- ferry:<key> -->`; when it is too long for
 * one comment the continuation parts start with `<!-- ferry:<key>:2 -->`, `:3`, ... The key names
 * the comment's purpose (`preview`, and in later flows `status:<env>` and the like).
 */

const KEY = /^[a-z0-9][a-z0-9:._/-]*$/;

/** The marker line of part `part` (1-based) of the comment `key`. */
export function commentMarker(key: string, part = 1): string {
  if (!KEY.test(key) || /:\d+$/.test(key)) throw new Error(`invalid comment key ${JSON.stringify(key)}`);
  if (!Number.isInteger(part) || part < 1) throw new Error(`invalid comment part ${part}`);
  return part === 1 ? `<!-- ferry:${key} -->` : `<!-- ferry:${key}:${part} -->`;
}

/** Which part of comment `key` a body is (by its first line), or undefined when it is not one. */
export function markerPart(body: string | null | undefined, key: string): number | undefined {
  if (!body) return undefined;
  const first = body.slice(0, body.indexOf("\n") < 0 ? body.length : body.indexOf("\n")).trim();
  if (first === commentMarker(key)) return 1;
  const prefix = `<!-- ferry:${key}:`;
  if (!first.startsWith(prefix) || !first.endsWith(" -->")) return undefined;
  const n = first.slice(prefix.length, -4);
  return /^[1-9]\d*$/.test(n) && Number(n) >= 2 ? Number(n) : undefined;
}
