/** Repository path and branch rules (core/gitops/names.ts), checked against git check-ref-format. */
import { afterAll, describe, expect, it } from "vitest";
import { branchProblems, repoPathProblems } from "../../../core/gitops/names.js";
import { runGit } from "../../support/git-server.js";
import { tempDirs } from "../../support/gitops.js";

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe("paths, branches and targets", () => {
  it("accepts ordinary repository paths and refuses every trick", () => {
    expect(repoPathProblems("environments/dev/shop/api")).toEqual([]);
    expect(repoPathProblems("releases/shop/api/r-1.yaml")).toEqual([]);
    expect(repoPathProblems("a/../b")).toEqual(["must not contain a '..' segment"]);
    expect(repoPathProblems("./a")).toEqual(["must not contain a '.' segment"]);
    expect(repoPathProblems("/abs")).toEqual(["must be relative, not absolute"]);
    expect(repoPathProblems("C:/win")).toEqual(["must be relative, not absolute"]);
    expect(repoPathProblems("a/.Git/x")).toEqual(["must not contain a '.git' segment"]);
    expect(repoPathProblems("a\\b")).toEqual(["must use '/' as separator, not '\\'"]);
    expect(repoPathProblems("a/")).toEqual(["must not have empty segments ('//' or a trailing '/')"]);
    expect(repoPathProblems("a\nb")).toEqual(["must not contain control characters"]);
    expect(repoPathProblems("")).toEqual(["must not be empty"]);
  });

  it("agrees with git check-ref-format on branch names", async () => {
    const dir = await dirs.make();
    const names = [
      "main",
      "ferry/release/dev/shop/api",
      "feature.x",
      "a..b",
      "a b",
      "a~1",
      "a:b",
      "-x",
      "x/",
      "/x",
      "x//y",
      "x.",
      ".x",
      "x/.y",
      "x.lock",
      "x@{1}",
      "a*b",
      "a[b",
      "a\\b",
      "refs/heads/x",
      "ü",
    ];
    for (const name of names) {
      const gitSays = await runGit(dir, ["check-ref-format", "--branch", name]).then(
        () => true,
        () => false,
      );
      expect({ name, ok: branchProblems(name).length === 0 }).toEqual({ name, ok: name === "refs/heads/x" ? false : gitSays });
    }
    // git expands "@" to the current branch; as a name it is refused.
    expect(branchProblems("@")).toEqual(["must not contain '@{' or be '@'"]);
  });
});
