/**
 * What publishing and reading need from a GitOps target, whether it is a remote reached over
 * smart HTTP (through the clone cache) or a repository on this machine.
 */
import type { RawObject } from "./objects.js";
import type { ObjectStore } from "./store.js";

/** The outcome of a compare-and-swap update of a branch. */
export type UpdateOutcome =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** The reason the ref was not updated (`failed to update ref`, `pre-receive hook declined`...). */
      readonly reason: string;
      /** Messages from the server's hooks. */
      readonly messages: readonly string[];
    };

/** An opened target. */
export interface Backend {
  /** The repository as messages name it: URL without credentials, or absolute path. */
  readonly repo: string;
  /** Objects of the target (the cached clone for a remote), readable after {@link tips}. */
  readonly store: ObjectStore;
  /** The current tip of each branch (null: absent), with its objects available in `store`. */
  tips(branches: readonly string[]): Promise<Map<string, string | null>>;
  /**
   * Stores `objects` and moves `branch` from `oldOid` (null: must not exist) to `newOid` only if
   * it is still at `oldOid`. `dirs` are the directories the change touched.
   */
  update(branch: string, oldOid: string | null, newOid: string, objects: readonly RawObject[], dirs: readonly string[]): Promise<UpdateOutcome>;
}
