/** Inputs of the promotion gates tests: reviews, health and a GatesInput on the dev → staging → prod platform of promotion-fixtures. */
import type { z } from "zod";
import { evaluateGates, GatesInput } from "../../core/promotion/gates/index.js";
import type { GatesResult, Review } from "../../core/promotion/gates/index.js";
import type { HealthReport } from "../../core/promotion/health.js";
import { acme, envOf, R2 } from "./promotion-fixtures.js";

export const HEAD = "a".repeat(40);
export const OLD = "b".repeat(40);
/** Tuesday 2025-03-11 11:00 in Berlin (CET, UTC+1): inside prod's window. */
export const TUESDAY = new Date("2025-03-11T10:00:00Z");

export function review(login: string, state: string, minute: number, commit = HEAD): Review {
  return { id: minute, user: { login }, state, commit_id: commit, submitted_at: `2025-03-11T09:${String(minute).padStart(2, "0")}:00Z` };
}

export const healthy = (minutesAgo: number, now = TUESDAY, release = R2): HealthReport => ({
  status: "Healthy",
  release,
  healthySince: new Date(now.getTime() - minutesAgo * 60_000),
});

export type Input = z.input<typeof GatesInput>;

export function input(to: "staging" | "prod", over: Partial<Input> = {}, platform = acme()): Input {
  const target = envOf(platform, to);
  const source = envOf(platform, to === "prod" ? "staging" : "dev");
  const step = platform.spec.pipeline.find((s) => s.from === source.name)!;
  return {
    release: R2,
    target,
    source,
    step,
    diagnostics: [],
    reviews: [],
    headSha: HEAD,
    author: "ferry-bot[bot]",
    teams: { sam: ["sre"], sasha: ["acme/SRE"], alice: ["checkout"] },
    permissions: { sam: "write", sasha: "maintain", alice: "write", bob: "admin", carol: "write", dan: "write" },
    health: { status: "NotObserved" },
    now: TUESDAY,
    ...over,
  };
}

/** Parses the input (as the app does, once) and evaluates the gates. */
export const evaluate = (raw: Input): GatesResult => evaluateGates(GatesInput.parse(raw));

export const state = (r: GatesResult, name: string) => r.gates.find((g) => g.name === name)!;
