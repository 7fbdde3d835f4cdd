/**
 * What a caller may see: the repositories GitHub lets their token read. A component belongs to
 * the repository of the app checkout it comes from (its `origin` remote, else the checkout's last
 * two path segments: the `repo` the platform's projects list); a component known only from a
 * GitOps repository or a cluster belongs to its project, seen when any of the project's `repos` is.
 */
import { roleOn } from "../adapters/github/people.js";
import type { GitHub } from "../adapters/github/types.js";
import type { Platform } from "../renderers/model/index.js";

export interface Access {
  /** True when the caller is not filtered (no token: local use of the caller's own disk). */
  readonly everything: boolean;
  seesRepo(repo: string): Promise<boolean>;
}

/** No filter: stdio without a token. */
export const EVERYTHING: Access = { everything: true, seesRepo: async () => true };

/** The token's person sees a repository unless their role on it is `none`; roles asked once per repository. */
export function personAccess(github: GitHub): Access {
  const roles = new Map<string, Promise<boolean>>();
  return {
    everything: false,
    seesRepo(repo) {
      const key = repo.toLowerCase();
      let seen = roles.get(key);
      if (!seen) {
        const [owner = "", name = ""] = repo.split("/");
        seen = roleOn(github, { owner, repo: name }).then((role) => role !== "none");
        roles.set(key, seen);
      }
      return seen;
    },
  };
}

/** Whether the caller sees any of a project's repositories (for components known only from GitOps or a cluster). */
export async function seesProject(access: Access, platform: Platform, project: string): Promise<boolean> {
  if (access.everything) return true;
  const repos = platform.spec.projects.find((p) => p.name === project)?.repos ?? [];
  for (const repo of repos) if (await access.seesRepo(repo)) return true;
  return false;
}

/** The items whose repository the caller sees, in order. */
export async function visible<T>(access: Access, items: readonly T[], repoOf: (item: T) => string): Promise<T[]> {
  if (access.everything) return [...items];
  const seen = await Promise.all(items.map((i) => access.seesRepo(repoOf(i))));
  return items.filter((_, i) => seen[i]);
}
