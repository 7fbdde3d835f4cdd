/**
 * Names inside a GitOps repository: repository-relative paths and branch names. Pure checks that
 * return every problem found (empty list: fine), so a request's validation reports them all at
 * once, and the zod schemas built from them.
 */
import { z } from "zod";

/** Whether `s` has a control character (U+0000-U+001F or U+007F). */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Problems of a repository-relative POSIX path (a directory Ferry writes, or a file under it):
 * relative, '/'-separated, no empty, `.` or `..` segments, no `.git` segment (any case: git
 * itself refuses those on case-insensitive file systems), no backslash or control character.
 */
export function repoPathProblems(p: string): string[] {
  const problems: string[] = [];
  if (p.length === 0) return ["must not be empty"];
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p)) problems.push("must be relative, not absolute");
  if (p.includes("\\")) problems.push("must use '/' as separator, not '\\'");
  if (hasControl(p)) problems.push("must not contain control characters");
  const segments = p.split("/");
  if (segments.some((s) => s === "") && !p.startsWith("/")) problems.push("must not have empty segments ('//' or a trailing '/')");
  for (const bad of [".", ".."]) if (segments.includes(bad)) problems.push(`must not contain a '${bad}' segment`);
  if (segments.some((s) => s.toLowerCase() === ".git")) problems.push("must not contain a '.git' segment");
  return problems;
}

/** Problems of a branch name, after `git check-ref-format` for `refs/heads/<name>`. */
export function branchProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length === 0) return ["must not be empty"];
  if (name.startsWith("refs/")) problems.push("must be a branch name like 'main', not a full ref");
  if (name.startsWith("-")) problems.push("must not start with '-'");
  if (hasControl(name) || /[ ~^:?*[\\]/.test(name)) problems.push("must not contain spaces, control characters or any of ~ ^ : ? * [ \\");
  if (name.includes("..")) problems.push("must not contain '..'");
  if (name.includes("@{") || name === "@") problems.push("must not contain '@{' or be '@'");
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) problems.push("must not have empty segments ('/' at either end or '//')");
  if (name.endsWith(".")) problems.push("must not end with '.'");
  const segments = name.split("/");
  if (segments.some((s) => s.startsWith("."))) problems.push("must not have a segment starting with '.'");
  if (segments.some((s) => s.endsWith(".lock"))) problems.push("must not have a segment ending with '.lock'");
  return problems;
}

/** Turns a problem-listing check into zod issues on the value. */
export function problemsOf(check: (value: string) => string[]) {
  return (value: string, ctx: z.RefinementCtx) => {
    for (const message of check(value)) ctx.addIssue({ code: "custom", message });
  };
}

/** A repository-relative POSIX path; see {@link repoPathProblems}. */
export const RepoPath = z.string().superRefine(problemsOf(repoPathProblems));
export type RepoPath = z.infer<typeof RepoPath>;

/** A branch name (`main`, `ferry/release/dev/shop/api`); see {@link branchProblems}. */
export const BranchName = z.string().superRefine(problemsOf(branchProblems));
export type BranchName = z.infer<typeof BranchName>;
