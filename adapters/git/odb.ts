/**
 * Reading objects from a git directory at a cost that does not depend on its size: loose objects
 * by path, packed ones by binary search in the pack index (`.idx` v2) with positioned reads, then
 * one positioned read and inflate per object (and per delta base). Nothing is loaded whole.
 *
 * isomorphic-git's own reader parses every pack index into memory and reads the whole pack file
 * the first time it touches a pack, in every process: tens of milliseconds per run for a few
 * thousand rendered components, growing with the repository. This reader does O(log n) small
 * reads instead; isomorphic-git still fetches and indexes the packs it reads.
 */
import type { FileHandle } from "node:fs/promises";
import { open, readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { inflateSync } from "node:zlib";
import type { ObjectType } from "./objects.js";

/** An object's type and content (the bytes after git's `<type> <size>\0` header). */
export interface GitObject {
  readonly type: ObjectType | "tag";
  readonly content: Buffer;
}

const TYPES: Record<number, GitObject["type"]> = { 1: "commit", 2: "tree", 3: "blob", 4: "tag" };
const OFS_DELTA = 6;
const REF_DELTA = 7;
const IDX_HEADER = 8 + 256 * 4;
/** Index ranges up to this many names are read at once instead of bisected further. */
const BUCKET_SCAN = 256;
/** Bytes read at an object's offset first: header and, for most rendered files, all the data. */
const FIRST_READ = 8192;
const MEMO_BYTES = 32 * 1024 * 1024;

interface Pack {
  readonly name: string;
  readonly idx: FileHandle;
  readonly pack: FileHandle;
  readonly fanout: Uint32Array;
  readonly count: number;
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return bytesRead === length ? buf : buf.subarray(0, bytesRead);
}

/** Applies a git delta (`src size`, `target size`, copy/insert instructions) to `base`. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    let c: number;
    do {
      c = delta[at++] ?? 0;
      value += (c & 0x7f) * 2 ** shift;
      shift += 7;
    } while (c & 0x80);
    return value;
  };
  const srcSize = varint();
  if (srcSize !== base.length) throw new Error(`delta base is ${base.length} bytes, delta expects ${srcSize}`);
  const out = Buffer.alloc(varint());
  let o = 0;
  while (at < delta.length) {
    const op = delta[at++] ?? 0;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let i = 0; i < 4; i++) if (op & (1 << i)) offset += (delta[at++] ?? 0) * 2 ** (8 * i);
      for (let i = 0; i < 3; i++) if (op & (0x10 << i)) size += (delta[at++] ?? 0) * 2 ** (8 * i);
      if (size === 0) size = 0x10000;
      o += base.copy(out, o, offset, offset + size);
    } else if (op > 0) {
      o += delta.copy(out, o, at, at + op);
      at += op;
    } else {
      throw new Error("delta has a reserved instruction 0");
    }
  }
  if (o !== out.length) throw new Error(`delta produced ${o} bytes, expected ${out.length}`);
  return out;
}

/** Reads the objects of one git directory; {@link close} it when done. */
export class ObjectDatabase {
  readonly #objects: string;
  #packs: Pack[] | null = null;
  /** Packed objects already inflated (delta bases are shared), bounded by {@link MEMO_BYTES}. */
  readonly #memo = new Map<string, GitObject>();
  #memoBytes = 0;

  constructor(gitdir: string) {
    this.#objects = path.join(gitdir, "objects");
  }

  /** The object, or null when the directory does not have it. */
  async read(oid: string): Promise<GitObject | null> {
    const loose = await this.#readLoose(oid);
    if (loose) return loose;
    const found = (await this.#find(oid, false)) ?? (await this.#find(oid, true));
    return found ? this.#readPacked(found.pack, found.offset) : null;
  }

  /** Whether the directory has the object (without inflating packed ones). */
  async has(oid: string): Promise<boolean> {
    if (
      await stat(this.#loosePath(oid)).then(
        () => true,
        () => false,
      )
    )
      return true;
    return ((await this.#find(oid, false)) ?? (await this.#find(oid, true))) !== null;
  }

  /** Closes the pack files opened so far. */
  async close(): Promise<void> {
    const packs = this.#packs ?? [];
    this.#packs = null;
    await Promise.all(packs.flatMap((p) => [p.idx.close(), p.pack.close()]));
  }

  #loosePath(oid: string): string {
    return path.join(this.#objects, oid.slice(0, 2), oid.slice(2));
  }

  async #readLoose(oid: string): Promise<GitObject | null> {
    let raw: Buffer;
    try {
      raw = inflateSync(await readFile(this.#loosePath(oid)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    const nul = raw.indexOf(0);
    const [type] = raw.toString("latin1", 0, nul).split(" ");
    if (type !== "blob" && type !== "tree" && type !== "commit" && type !== "tag") throw new Error(`loose object ${oid} has unknown type ${type}`);
    return { type, content: raw.subarray(nul + 1) };
  }

  /** Opens the packs not opened yet (all of them the first time; new ones after a fetch on `rescan`). */
  async #loadPacks(rescan: boolean): Promise<Pack[]> {
    if (this.#packs && !rescan) return this.#packs;
    const packs = this.#packs ?? [];
    const known = new Set(packs.map((p) => p.name));
    const names = await readdir(path.join(this.#objects, "pack")).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith(".idx")).sort()) {
      const base = name.slice(0, -4);
      if (known.has(base)) continue;
      const idx = await open(path.join(this.#objects, "pack", name), "r");
      let pack: FileHandle;
      try {
        pack = await open(path.join(this.#objects, "pack", `${base}.pack`), "r");
      } catch {
        await idx.close();
        continue;
      }
      const head = await readAt(idx, 0, IDX_HEADER);
      if (head.readUInt32BE(0) !== 0xff744f63 || head.readUInt32BE(4) !== 2) {
        await Promise.all([idx.close(), pack.close()]);
        throw new Error(`pack index ${name} is not version 2`);
      }
      const fanout = new Uint32Array(256);
      for (let i = 0; i < 256; i++) fanout[i] = head.readUInt32BE(8 + i * 4);
      packs.push({ name: base, idx, pack, fanout, count: fanout[255] ?? 0 });
    }
    this.#packs = packs;
    return packs;
  }

  async #find(oid: string, rescan: boolean): Promise<{ pack: Pack; offset: number } | null> {
    const want = Buffer.from(oid, "hex");
    const first = want[0] ?? 0;
    for (const pack of await this.#loadPacks(rescan)) {
      let lo = first === 0 ? 0 : (pack.fanout[first - 1] ?? 0);
      let hi = pack.fanout[first] ?? 0;
      // Narrow by binary search with small reads until the range fits one read, then scan it.
      while (hi - lo > BUCKET_SCAN) {
        const mid = (lo + hi) >>> 1;
        const cmp = Buffer.compare(await readAt(pack.idx, IDX_HEADER + mid * 20, 20), want);
        if (cmp === 0) return { pack, offset: await this.#offset(pack, mid) };
        if (cmp < 0) lo = mid + 1;
        else hi = mid;
      }
      if (lo >= hi) continue;
      const names = await readAt(pack.idx, IDX_HEADER + lo * 20, (hi - lo) * 20);
      for (let i = 0; i < hi - lo; i++) {
        if (names.compare(want, 0, 20, i * 20, i * 20 + 20) === 0) return { pack, offset: await this.#offset(pack, lo + i) };
      }
    }
    return null;
  }

  async #offset(pack: Pack, i: number): Promise<number> {
    const small = (await readAt(pack.idx, IDX_HEADER + pack.count * 24 + i * 4, 4)).readUInt32BE(0);
    if (!(small & 0x80000000)) return small;
    const large = await readAt(pack.idx, IDX_HEADER + pack.count * 28 + (small & 0x7fffffff) * 8, 8);
    return Number(large.readBigUInt64BE(0));
  }

  async #readPacked(pack: Pack, offset: number): Promise<GitObject> {
    const key = `${pack.name}:${offset}`;
    const memo = this.#memo.get(key);
    if (memo) return memo;
    const head = await readAt(pack.pack, offset, FIRST_READ);
    let at = 0;
    let c = head[at++] ?? 0;
    const type = (c >> 4) & 7;
    let size = c & 15;
    for (let shift = 4; c & 0x80; shift += 7) {
      c = head[at++] ?? 0;
      size += (c & 0x7f) * 2 ** shift;
    }
    let base: GitObject | null = null;
    if (type === OFS_DELTA) {
      c = head[at++] ?? 0;
      let rel = c & 0x7f;
      while (c & 0x80) {
        c = head[at++] ?? 0;
        rel = (rel + 1) * 128 + (c & 0x7f);
      }
      base = await this.#readPacked(pack, offset - rel);
    } else if (type === REF_DELTA) {
      const baseOid = head.toString("hex", at, at + 20);
      at += 20;
      base = await this.read(baseOid);
      if (!base) throw new Error(`pack ${pack.name}: delta base ${baseOid} is missing`);
    } else if (!TYPES[type]) {
      throw new Error(`pack ${pack.name}: object at ${offset} has unknown type ${type}`);
    }
    // Deflate never grows data by more than 5 bytes per 16 KiB block plus its 6-byte frame.
    const bound = size + 64 + 5 * Math.ceil(size / 16_384);
    const compressed = at + bound <= head.length ? head.subarray(at) : await readAt(pack.pack, offset + at, bound);
    const data = inflateSync(compressed);
    if (data.length !== size) throw new Error(`pack ${pack.name}: object at ${offset} inflated to ${data.length} bytes, expected ${size}`);
    const obj: GitObject = base ? { type: base.type, content: applyDelta(base.content, data) } : { type: TYPES[type] ?? "blob", content: data };
    if (this.#memoBytes > MEMO_BYTES) {
      this.#memo.clear();
      this.#memoBytes = 0;
    }
    this.#memo.set(key, obj);
    this.#memoBytes += obj.content.length;
    return obj;
  }
}
