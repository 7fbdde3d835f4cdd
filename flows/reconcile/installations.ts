/**
 * The repositories the app is installed on, each with its installation's client: what the
 * reconcile pass reads app repositories with (`GET /app/installations`, then each installation's
 * `GET /installation/repositories`).
 */
import { listInstallationRepositories, listInstallations } from "../../adapters/github/apps.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { fullName } from "../../adapters/github/types.js";
import type { AppAuth } from "../../adapters/github/apps.js";

/** Installed repositories (`owner/name`, lower case) → their installation's client, and what could not be listed. */
export interface Installed {
  readonly clientFor: (repo: RepoRef) => Promise<GitHub | undefined>;
  readonly problems: readonly string[];
}

export async function installedRepositories(auth: AppAuth): Promise<Installed> {
  const app = await auth();
  const installations = await listInstallations(app);
  const clients = new Map<string, GitHub>();
  const problems: string[] = [];
  for (const inst of installations.sort((a, b) => a.id - b.id)) {
    if (inst.suspended_at) continue;
    try {
      const client = await auth(inst.id);
      const repos = await listInstallationRepositories(client);
      for (const r of repos) if (!clients.has(r.full_name.toLowerCase())) clients.set(r.full_name.toLowerCase(), client);
    } catch (e) {
      problems.push(`installation ${inst.id}: cannot list its repositories: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { clientFor: async (repo) => clients.get(fullName(repo).toLowerCase()), problems };
}
