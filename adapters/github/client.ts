/** A REST client authenticated with a token (the CLI's; the app gets its clients from Probot). */
import { Octokit } from "@octokit/rest";
import type { GitHub } from "./types.js";

/** Options of {@link tokenClient}. */
export interface TokenClientOptions {
  readonly token: string;
  /** REST API base URL. @default https://api.github.com */
  readonly baseUrl?: string;
}

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export function tokenClient(opts: TokenClientOptions): GitHub {
  // The REST surface Ferry uses is the same; Probot's type only adds its auth and plugins.
  return new Octokit({ auth: opts.token, baseUrl: opts.baseUrl ?? "https://api.github.com", log: quiet }) as unknown as GitHub;
}
