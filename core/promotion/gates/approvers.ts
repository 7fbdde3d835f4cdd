/**
 * Whose reviews count on a promotion, and whose approvals let it in: the rules the approvals
 * gate (approvals.ts) applies, and the logins it counts, for the `Ferry-Approved-By` trailer of
 * the merge commit. Pure.
 *
 * The review rules documented in index.ts (latest verdict per reviewer, approvals on the head
 * commit only, author, requesters and pushers excluded, write permission on the GitOps
 * repository, no bots, team membership when the target names teams) live in
 * {@link reviewStanding}, which both use; a property test keeps the two in agreement.
 */
import { PERMISSION_RANK } from "../commands.js";
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

/** Whether a review is by a bot: GitHub's user type, or a `[bot]` login. */
export function isBot(review: Review): boolean {
  return review.user?.type === "Bot" || /\[bot\]$/i.test(review.user?.login ?? "");
}

/** What the gates take from the input to judge reviews. */
export type ReviewRules = Pick<GatesInput, "reviews" | "target" | "headSha" | "author" | "nonApprovers" | "teams" | "permissions" | "pushers">;

/**
 * Where one reviewer's latest verdict stands: `ignored` (no effect, with why when it was an
 * approval), `blocks` (changes requested), `not-counted` (an approval that does not count, and
 * why) or `counted`.
 */
export type ReviewStanding =
  | { readonly kind: "ignored"; readonly why?: string }
  | { readonly kind: "blocks" }
  /** `note` follows the login: `cannot approve (...)`, `approved an older commit`, `is not in sre`. */
  | { readonly kind: "not-counted"; readonly note: string }
  | { readonly kind: "counted" };

/** The standing of `review`, the latest verdict of `key` (lowercased login); see {@link ReviewStanding}. */
export function reviewStanding(input: ReviewRules, key: string, review: Review): ReviewStanding {
  if (review.state === "DISMISSED") return { kind: "ignored" };
  const approved = review.state === "APPROVED";
  const quiet = (why: string): ReviewStanding => ({ kind: "ignored", ...(approved ? { why } : {}) });
  if (key === input.author.toLowerCase()) return quiet("author");
  if (input.nonApprovers.some((l) => l.toLowerCase() === key)) return quiet("asked for the promotion");
  if (isBot(review)) return quiet("a bot");
  const role = Object.entries(input.permissions).find(([login]) => login.toLowerCase() === key)?.[1];
  const canWrite = role !== undefined && PERMISSION_RANK[role] >= PERMISSION_RANK.write;
  // A request for changes blocks unless the reviewer is known to lack write permission.
  if (role !== undefined && !canWrite) return quiet(`${role} permission on the GitOps repository; approving needs write`);
  if (review.state === "CHANGES_REQUESTED") return { kind: "blocks" };
  if (!canWrite) return { kind: "not-counted", note: "cannot approve (permission on the GitOps repository not known)" };
  if (input.pushers.some((l) => l.toLowerCase() === key)) return { kind: "not-counted", note: "cannot approve (pushed a commit to the branch)" };
  if (review.commit_id !== input.headSha) return { kind: "not-counted", note: "approved an older commit" };
  const wanted = new Set(input.target.approvals.teams.map(slug));
  if (wanted.size > 0) {
    const mine = Object.entries(input.teams).find(([login]) => login.toLowerCase() === key)?.[1] ?? [];
    if (!mine.map(slug).some((t) => wanted.has(t))) return { kind: "not-counted", note: `is not in ${input.target.approvals.teams.join(" or ")}` };
  }
  return { kind: "counted" };
}

/** Logins (as GitHub spells them, sorted) whose approvals the approvals gate counts. */
export function countedApprovers(input: ReviewRules): string[] {
  const out: string[] = [];
  for (const [key, review] of latestVerdicts(input.reviews)) {
    if (review.state === "APPROVED" && reviewStanding(input, key, review).kind === "counted") out.push(review.user!.login);
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

/** Reviewers (not bots) whose latest verdict approves `headSha` or requests changes: the ones whose permission matters. */
export function reviewersToCheck(reviews: readonly Review[], headSha: string): string[] {
  return [...latestVerdicts(reviews).values()]
    .filter((r) => !isBot(r) && ((r.state === "APPROVED" && r.commit_id === headSha) || r.state === "CHANGES_REQUESTED"))
    .map((r) => r.user!.login)
    .sort();
}
