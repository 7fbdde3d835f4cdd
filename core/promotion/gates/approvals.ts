/**
 * The approvals gate: enough approvals of the head commit, by people who may give them (the
 * review rules are in gates/index.ts, applied by approvers.ts), and no request for changes.
 */
import { latestVerdicts, reviewStanding } from "./approvers.js";
import type { GateDefinition } from "./model.js";
import { gate } from "./model.js";

const at = (login: string) => `@${login}`;

export const approvalsGate: GateDefinition<"target" | "reviews" | "headSha" | "author" | "nonApprovers" | "teams" | "permissions" | "pushers"> = {
  name: "approvals",
  reads: ["target", "reviews", "headSha", "author", "nonApprovers", "teams", "permissions", "pushers"],
  evaluate(input) {
    const { required, teams } = input.target.approvals;
    const verdicts = latestVerdicts(input.reviews);
    const blockers: string[] = [];
    const counted: string[] = [];
    const notes: string[] = [];
    const teamText = teams.length > 0 ? ` from ${teams.join(" or ")}` : "";
    for (const [key, review] of [...verdicts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const login = review.user!.login;
      const standing = reviewStanding(input, key, review);
      if (standing.kind === "ignored") {
        if (standing.why) notes.push(`${at(login)} cannot approve (${standing.why})`);
      } else if (standing.kind === "blocks") blockers.push(at(login));
      else if (standing.kind === "not-counted") notes.push(`${at(login)} ${standing.note}`);
      else counted.push(at(login));
    }
    const tail = notes.length > 0 ? `; ${notes.join("; ")}` : "";
    if (blockers.length > 0) return gate("approvals", "fail", `${blockers.join(", ")} requested changes${tail}`);
    if (required === 0) return gate("approvals", "pass", `${input.target.name} needs no approvals${tail}`);
    const who = counted.length > 0 ? ` (${counted.join(", ")})` : "";
    const text = `${Math.min(counted.length, required)} of ${required} approval${required === 1 ? "" : "s"}${teamText}${who}${tail}`;
    return gate("approvals", counted.length >= required ? "pass" : "pending", text);
  },
};
