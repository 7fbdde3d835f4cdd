/** The rollout-watch repair finds the pull request whose status comment a rollout reports on from the deployment status's `log_url`. */
import { describe, expect, it } from "vitest";
import { pullOfStatusComment } from "../../../adapters/github/reconcile.js";

describe("pullOfStatusComment", () => {
  it("reads the pull request out of a status comment URL, on github.com and on GitHub Enterprise Server", () => {
    expect(pullOfStatusComment("https://github.com/acme/gitops/pull/12#issuecomment-345")).toEqual({
      repo: "acme/gitops",
      number: 12,
      url: "https://github.com/acme/gitops/pull/12",
    });
    expect(pullOfStatusComment("https://ghe.example.com/acme/gitops/pull/3#issuecomment-9")?.repo).toBe("acme/gitops");
  });

  it("is undefined for a commit comment, an issue, or no URL", () => {
    expect(pullOfStatusComment("https://github.com/acme/shop-api/commit/0123abc#commitcomment-5")).toBeUndefined();
    expect(pullOfStatusComment("https://github.com/acme/gitops/issues/4#issuecomment-5")).toBeUndefined();
    expect(pullOfStatusComment("")).toBeUndefined();
    expect(pullOfStatusComment(null)).toBeUndefined();
  });
});
