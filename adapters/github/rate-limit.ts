/** The REST rate limit left to a client (`GET /rate_limit`, which itself costs nothing). */
import type { GitHub } from "./types.js";

/** What is left of the core REST budget. */
export interface RateBudget {
  readonly limit: number;
  readonly remaining: number;
  /** When the budget is full again. */
  readonly reset: Date;
}

export async function readRateBudget(octokit: GitHub): Promise<RateBudget> {
  const { data } = await octokit.rest.rateLimit.get();
  const core = data.resources.core;
  return { limit: core.limit, remaining: core.remaining, reset: new Date(core.reset * 1000) };
}
