/**
 * The approvals gate: enough approvals of the head commit, by people who may give them (the
 * review rules are in gates/index.ts), and no request for changes.
 */
import { latestVerdicts } from "./approvers.js";
import type { GateDefinition } from "./model.js";
import { gate } from "./model.js";

const slug = (team: string) => team.slice(team.lastIndexOf("/") + 1).toLowerCase();
const at = (login: string) => `@${login}`;

export const approvalsGate: GateDefinition<"target" | "reviews" | "headSha" | "author" | "nonApprovers" | "teams"> = {
  name: "approvals",
  reads: ["target", "reviews", "headSha", "author", "nonApprovers", "teams"],
  evaluate(input) {
    const { required, teams } = input.target.approvals;
    const excluded = new Set([input.author, ...input.nonApprovers].map((l) => l.toLowerCase()));
    const verdicts = latestVerdicts(input.reviews);
    const blockers: string[] = [];
    const counted: string[] = [];
    const notes: string[] = [];
    const wanted = new Set(teams.map(slug));
    const teamText = teams.length > 0 ? ` from ${teams.join(" or ")}` : "";
    const teamsOf = new Map(Object.entries(input.teams).map(([login, list]) => [login.toLowerCase(), list.map(slug)]));
    for (const [key, review] of [...verdicts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const login = review.user!.login;
      if (review.state === "DISMISSED") continue;
      if (excluded.has(key)) {
        if (review.state === "APPROVED")
          notes.push(`${at(login)} cannot approve (${key === input.author.toLowerCase() ? "author" : "asked for the promotion"})`);
        continue;
      }
      if (review.state === "CHANGES_REQUESTED") {
        blockers.push(at(login));
        continue;
      }
      if (review.commit_id !== input.headSha) {
        notes.push(`${at(login)} approved an older commit`);
        continue;
      }
      if (wanted.size > 0 && !(teamsOf.get(key) ?? []).some((t) => wanted.has(t))) {
        notes.push(`${at(login)} is not in ${teams.join(" or ")}`);
        continue;
      }
      counted.push(at(login));
    }
    const tail = notes.length > 0 ? `; ${notes.join("; ")}` : "";
    if (blockers.length > 0) return gate("approvals", "fail", `${blockers.join(", ")} requested changes${tail}`);
    if (required === 0) return gate("approvals", "pass", `${input.target.name} needs no approvals${tail}`);
    const who = counted.length > 0 ? ` (${counted.join(", ")})` : "";
    const text = `${Math.min(counted.length, required)} of ${required} approval${required === 1 ? "" : "s"}${teamText}${who}${tail}`;
    return gate("approvals", counted.length >= required ? "pass" : "pending", text);
  },
};
