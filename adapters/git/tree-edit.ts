/**
 * Editing a commit's tree without a checkout: the changes become a small tree of edits, and only
 * the trees on the paths they touch are read and rewritten; every other subtree is kept by id.
 * The cost is the number of changed directories and files, whatever the size of the repository.
 */
import type { DirectoryChange, FileContent } from "../../core/gitops/request.js";
import { EMPTY_TREE, isTreeMode, rawObject, serializeTree } from "./objects.js";
import type { RawObject, TreeItem } from "./objects.js";
import type { ObjectStore } from "./store.js";

/** What happens inside one directory. */
export interface DirEdit {
  /** Start from an empty directory instead of the current one (a prune). */
  reset: boolean;
  readonly files: Map<string, FileContent>;
  readonly dirs: Map<string, DirEdit>;
}

function emptyEdit(): DirEdit {
  return { reset: false, files: new Map(), dirs: new Map() };
}

/**
 * Merges the changes (paths already validated by adapters/git/schema.ts), in order, into one edit
 * tree (a later change to the same place wins; a prune discards what earlier changes put under its
 * directory). Returns the problems of a path that is a file in one place and a directory in another.
 */
export function planEdits(changes: readonly DirectoryChange[]): { root: DirEdit; problems: string[] } {
  const root = emptyEdit();
  const problems: string[] = [];
  const descend = (from: DirEdit, segments: readonly string[], where: string): DirEdit | null => {
    let node = from;
    for (const seg of segments) {
      if (node.files.has(seg)) {
        problems.push(`${where}: '${seg}' is a file in another change, not a directory`);
        return null;
      }
      let next = node.dirs.get(seg);
      if (!next) {
        next = emptyEdit();
        node.dirs.set(seg, next);
      }
      node = next;
    }
    return node;
  };
  changes.forEach((change, i) => {
    const dirNode = descend(root, change.dir.split("/"), `changes[${i}].dir`);
    if (!dirNode) return;
    if (change.prune) {
      dirNode.reset = true;
      dirNode.files.clear();
      dirNode.dirs.clear();
    }
    for (const [rel, content] of change.files) {
      const segments = rel.split("/");
      const name = segments.pop() ?? rel;
      const parent = descend(dirNode, segments, `changes[${i}].files[${JSON.stringify(rel)}]`);
      if (!parent) continue;
      if (parent.dirs.has(name)) {
        problems.push(`changes[${i}].files[${JSON.stringify(rel)}]: is a directory in another change, not a file`);
        continue;
      }
      parent.files.set(name, content);
    }
  });
  return { root, problems };
}

/** The new root tree and the objects it needs that the base does not have at those places. */
export interface EditResult {
  readonly tree: string;
  readonly objects: readonly RawObject[];
}

/**
 * Applies `edit` to the tree `base` (null: no commit yet) reading through `store`; nothing is
 * written: the caller stores `objects` only when `tree` differs from the base.
 */
export async function applyEdits(store: ObjectStore, base: string | null, edit: DirEdit): Promise<EditResult> {
  const objects: RawObject[] = [];
  const encoder = new TextEncoder();
  const apply = async (oldOid: string | null, keep: boolean, node: DirEdit): Promise<string | null> => {
    const old = new Map<string, TreeItem>();
    if (oldOid) for (const item of await store.readTree(oldOid)) old.set(item.name, item);
    const entries = keep ? new Map(old) : new Map<string, TreeItem>();
    for (const [name, child] of node.dirs) {
      const prev = old.get(name);
      const childOid = await apply(prev && isTreeMode(prev.mode) ? prev.oid : null, keep && !child.reset, child);
      if (childOid === null) entries.delete(name);
      else entries.set(name, { name, mode: "40000", oid: childOid });
    }
    for (const [name, content] of node.files) {
      const blob = rawObject("blob", typeof content === "string" ? encoder.encode(content) : content);
      if (old.get(name)?.oid !== blob.oid) objects.push(blob);
      entries.set(name, { name, mode: "100644", oid: blob.oid });
    }
    if (entries.size === 0) return null;
    const tree = rawObject("tree", serializeTree(entries.values()));
    if (tree.oid !== oldOid) objects.push(tree);
    return tree.oid;
  };
  const tree = (await apply(base, !edit.reset, edit)) ?? EMPTY_TREE;
  if (tree === EMPTY_TREE && base !== EMPTY_TREE) objects.push(rawObject("tree", new Uint8Array()));
  return { tree, objects };
}
