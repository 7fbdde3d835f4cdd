/**
 * The GitHub App itself and its installations: who the App is (`GET /app`), which installation
 * covers a repository, every installation and the repositories each may reach, and an
 * installation's token for git over HTTPS. The App-level calls take a client authenticated with
 * the App's JWT (Probot's `app.auth()`), the others an installation's client.
 */
import type { GitHub, RepoRef } from "./types.js";

/** The App as `GET /app` gives it (GitHub may answer without a body to an unusual client). */
export type AppIdentity = Awaited<ReturnType<GitHub["rest"]["apps"]["getAuthenticated"]>>["data"];

/** `GET /app` with the App's JWT: the App's id and slug; a failure (a bad key, GitHub down) is thrown. */
export async function appIdentity(app: Pick<GitHub, "rest">): Promise<AppIdentity> {
  const { data } = await app.rest.apps.getAuthenticated();
  return data;
}

/** The id of the App's installation on `repo` (`GET /repos/{owner}/{repo}/installation`, with the App's JWT). */
export async function repoInstallationId(app: GitHub, repo: RepoRef): Promise<number> {
  const { data } = await app.rest.apps.getRepoInstallation({ ...repo });
  return data.id;
}

/** An installation as `GET /app/installations` lists it. */
export type ListedInstallation = Awaited<ReturnType<GitHub["rest"]["apps"]["listInstallations"]>>["data"][number];

/** Every installation of the App (all pages, with the App's JWT). */
export async function listInstallations(app: GitHub): Promise<ListedInstallation[]> {
  return app.paginate(app.rest.apps.listInstallations, { per_page: 100 });
}

/** The repositories an installation may reach (`GET /installation/repositories`, all pages, with the installation's client). */
export async function listInstallationRepositories(installation: GitHub): Promise<{ readonly full_name: string }[]> {
  return installation.paginate(installation.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
}

/** The installation's token (git over HTTPS as `x-access-token`), from the installation client's own auth. */
export async function installationToken(installation: GitHub): Promise<string> {
  const auth = (await installation.auth({ type: "installation" })) as { token?: string };
  if (!auth.token) throw new Error("could not get an installation token for git");
  return auth.token;
}

/** The app's installation clients: `auth()` is the app itself (JWT), `auth(id)` an installation. */
export type AppAuth = (installationId?: number) => Promise<GitHub>;
