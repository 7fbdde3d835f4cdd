/**
 * Object storage on a git directory: trees, commits and blobs read through {@link ObjectDatabase}
 * (cost independent of the repository's size), loose objects written with zlib to a temporary
 * file then renamed, so a concurrent reader (git, or another Ferry) never sees half an object.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { deflateSync } from "node:zlib";
import type { RawObject, TreeItem } from "./objects.js";
import { ObjectDatabase } from "./odb.js";

/** A commit's parts Ferry reads. */
export interface CommitInfo {
  readonly oid: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly author: PersonInfo;
  readonly committer: PersonInfo;
}

/** A commit's author or committer; `timestamp` in seconds since the epoch. */
export interface PersonInfo {
  readonly name: string;
  readonly email: string;
  readonly timestamp: number;
}

/** Reads and writes the objects of one git directory. */
export interface ObjectStore {
  readTree(oid: string): Promise<TreeItem[]>;
  readCommit(oid: string): Promise<CommitInfo>;
  readBlob(oid: string): Promise<Uint8Array>;
  has(oid: string): Promise<boolean>;
  /** Stores objects (loose, atomically); existing ones are left alone. */
  write(objects: readonly RawObject[]): Promise<void>;
  /** Releases open files. */
  close(): Promise<void>;
}

/** Parses a tree object's entries. */
export function parseTree(content: Buffer): TreeItem[] {
  const items: TreeItem[] = [];
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > content.length) throw new Error("malformed tree object");
    items.push({
      mode: content.toString("latin1", at, space),
      name: content.toString("utf8", space + 1, nul),
      oid: content.toString("hex", nul + 1, nul + 21),
    });
    at = nul + 21;
  }
  return items;
}

function parsePerson(value: string): PersonInfo {
  const m = /^(.*?) ?<([^>]*)> (\d+) [+-]\d{4}$/.exec(value);
  return { name: m?.[1] ?? value, email: m?.[2] ?? "", timestamp: Number(m?.[3] ?? 0) };
}

/** Parses a commit object (extra headers such as `gpgsig` are skipped). */
export function parseCommit(oid: string, content: Buffer): CommitInfo {
  const text = content.toString("utf8");
  const end = text.indexOf("\n\n");
  const headers = end < 0 ? text : text.slice(0, end);
  let tree = "";
  const parents: string[] = [];
  let author: PersonInfo = { name: "", email: "", timestamp: 0 };
  let committer = author;
  for (const line of headers.split("\n")) {
    const sp = line.indexOf(" ");
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === "tree") tree = value;
    else if (key === "parent") parents.push(value);
    else if (key === "author") author = parsePerson(value);
    else if (key === "committer") committer = parsePerson(value);
  }
  if (!/^[0-9a-f]{40}$/.test(tree)) throw new Error(`commit ${oid} has no tree`);
  return { oid, tree, parents, message: end < 0 ? "" : text.slice(end + 2), author, committer };
}

/** Writes one loose object unless present: temporary file, then rename. */
async function writeLoose(gitdir: string, o: RawObject): Promise<void> {
  const dir = path.join(gitdir, "objects", o.oid.slice(0, 2));
  const file = path.join(dir, o.oid.slice(2));
  if (
    await stat(file).then(
      () => true,
      () => false,
    )
  )
    return;
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `tmp_obj_${randomBytes(6).toString("hex")}`);
  try {
    await writeFile(tmp, deflateSync(Buffer.concat([Buffer.from(`${o.type} ${o.content.length}\0`, "latin1"), o.content])), { mode: 0o444 });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** An {@link ObjectStore} on `gitdir`. */
export function gitObjectStore(gitdir: string): ObjectStore {
  const odb = new ObjectDatabase(gitdir);
  const read = async (oid: string, type: string) => {
    const obj = await odb.read(oid);
    if (!obj) throw new Error(`object ${oid} is missing from ${gitdir}`);
    if (obj.type !== type) throw new Error(`object ${oid} is a ${obj.type}, expected a ${type}`);
    return obj.content;
  };
  return {
    readTree: async (oid) => parseTree(await read(oid, "tree")),
    readCommit: async (oid) => parseCommit(oid, await read(oid, "commit")),
    readBlob: (oid) => read(oid, "blob"),
    has: (oid) => odb.has(oid),
    close: () => odb.close(),
    async write(objects) {
      await Promise.all(objects.map((o) => writeLoose(gitdir, o)));
    },
  };
}
