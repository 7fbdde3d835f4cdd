/**
 * Git objects as bytes: hashing, tree and commit serialization, and packfiles. Pure; the same
 * bytes are stored locally and sent to the server, so what is pushed is exactly what was hashed.
 */
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";

/** Object types Ferry writes. */
export type ObjectType = "blob" | "tree" | "commit";

/** An object ready to be stored or packed. */
export interface RawObject {
  readonly type: ObjectType;
  readonly oid: string;
  readonly content: Uint8Array;
}

/** One entry of a tree: `mode` as git stores it (`100644`, `100755`, `120000`, `160000`, `40000`). */
export interface TreeItem {
  readonly name: string;
  readonly mode: string;
  readonly oid: string;
}

/** The id of the empty tree. */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
/** The all-zero id git uses for "no object" (a ref that does not exist). */
export const ZERO_OID = "0000000000000000000000000000000000000000";

const encoder = new TextEncoder();

/** SHA-1 of `<type> <size>\0<content>`: the object's id. */
export function hashObject(type: ObjectType, content: Uint8Array): string {
  return createHash("sha1").update(`${type} ${content.length}\0`).update(content).digest("hex");
}

/** Builds a {@link RawObject}, hashing it. */
export function rawObject(type: ObjectType, content: Uint8Array): RawObject {
  return { type, oid: hashObject(type, content), content };
}

/** Whether a tree entry mode is a directory. */
export function isTreeMode(mode: string): boolean {
  return mode === "40000" || mode === "040000";
}

/** Git's tree order: by name bytes, a directory compared as if its name ended in '/'. */
function treeSortKey(item: TreeItem): Buffer {
  return Buffer.from(isTreeMode(item.mode) ? `${item.name}/` : item.name, "utf8");
}

/** Serializes a tree (entries in git's order, modes without leading zeros). */
export function serializeTree(items: Iterable<TreeItem>): Uint8Array {
  const sorted = [...items].map((item) => ({ item, key: treeSortKey(item) })).sort((a, b) => Buffer.compare(a.key, b.key));
  const parts: Buffer[] = [];
  for (const { item } of sorted) {
    parts.push(Buffer.from(`${item.mode.replace(/^0+/, "")} ${item.name}\0`, "utf8"), Buffer.from(item.oid, "hex"));
  }
  return Buffer.concat(parts);
}

/** A person and a time, as written in commits. */
export interface Signature {
  readonly name: string;
  readonly email: string;
  readonly date: Date;
}

function formatSignature(s: Signature): string {
  const clean = (v: string) => v.replace(/[<>\n]/g, "").trim();
  return `${clean(s.name)} <${clean(s.email)}> ${Math.floor(s.date.getTime() / 1000)} +0000`;
}

/** Serializes a commit; `message` should end with a newline (formatCommitMessage does). */
export function serializeCommit(c: { tree: string; parents: readonly string[]; author: Signature; committer: Signature; message: string }): Uint8Array {
  const lines = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`), `author ${formatSignature(c.author)}`, `committer ${formatSignature(c.committer)}`];
  return encoder.encode(`${lines.join("\n")}\n\n${c.message}`);
}

const PACK_TYPE: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3 };

/**
 * A version 2 packfile holding `objects` whole (no deltas), each once, followed by the SHA-1 of
 * everything before it. Small pushes are what Ferry sends, so deltas would not pay.
 */
export function writePack(objects: Iterable<RawObject>): Buffer {
  const unique = new Map<string, RawObject>();
  for (const o of objects) unique.set(o.oid, o);
  const header = Buffer.alloc(12);
  header.write("PACK", 0, "latin1");
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(unique.size, 8);
  const parts: Buffer[] = [header];
  for (const o of unique.values()) {
    let size = o.content.length;
    const head: number[] = [];
    let byte = (PACK_TYPE[o.type] << 4) | (size & 0x0f);
    size = Math.floor(size / 16);
    while (size > 0) {
      head.push(byte | 0x80);
      byte = size & 0x7f;
      size = Math.floor(size / 128);
    }
    head.push(byte);
    parts.push(Buffer.from(head), deflateSync(o.content));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash("sha1").update(body).digest()]);
}
