/**
 * Whose approvals let a promotion in: the logins the approvals gate (approvals.ts) counts,
 * for the `Ferry-Approved-By` trailer of the merge commit. Pure.
 *
 * It applies exactly the review rules documented in index.ts (latest verdict per reviewer,
 * approvals on the head commit only, author and requesters excluded, team membership when the
 * target names teams); a property test keeps the two in agreement.
 */
import type { GatesInput, Review } from "./model.js";

const VERDICTS = new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);
const slug = (team: string) => team.slice(team.lastIndexOf("/") + 1).toLowerCase();

/** The latest verdict of each reviewer (lowercased login → review): what the approvals gate judges. */
export function latestVerdicts(reviews: readonly Review[]): Map<string, Review> {
  const ordered = reviews
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.user && r.submitted_at && VERDICTS.has(r.state))
    .sort((a, b) => (a.r.submitted_at! < b.r.submitted_at! ? -1 : a.r.submitted_at! > b.r.submitted_at! ? 1 : (a.r.id ?? 0) - (b.r.id ?? 0) || a.i - b.i));
  const verdicts = new Map<string, Review>();
  for (const { r } of ordered) verdicts.set(r.user!.login.toLowerCase(), r);
  return verdicts;
}

/** Logins (as GitHub spells them, sorted) whose approvals the approvals gate counts. */
export function countedApprovers(input: Pick<GatesInput, "reviews" | "target" | "headSha" | "author" | "nonApprovers" | "teams">): string[] {
  const excluded = new Set([input.author, ...input.nonApprovers].map((l) => l.toLowerCase()));
  const wanted = new Set(input.target.approvals.teams.map(slug));
  const teamsOf = new Map(Object.entries(input.teams).map(([login, list]) => [login.toLowerCase(), list.map(slug)]));
  const out: string[] = [];
  for (const [key, review] of latestVerdicts(input.reviews)) {
    if (review.state !== "APPROVED" || excluded.has(key) || review.commit_id !== input.headSha) continue;
    if (wanted.size > 0 && !(teamsOf.get(key) ?? []).some((t) => wanted.has(t))) continue;
    out.push(review.user!.login);
  }
  return out.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
}

/** Reviewers whose latest verdict is an approval of `headSha`: the ones whose team membership matters. */
export function approversToCheck(reviews: readonly Review[], headSha: string): string[] {
  return [...latestVerdicts(reviews).values()]
    .filter((r) => r.state === "APPROVED" && r.commit_id === headSha)
    .map((r) => r.user!.login)
    .sort();
}
