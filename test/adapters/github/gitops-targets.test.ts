/** The GitHub server of a resolved GitOps target (adapters/github/gitops-targets.ts). */
import { describe, expect, it } from "vitest";
import { serverUrlOf } from "../../../adapters/github/gitops-targets.js";

describe("Ferry's branches and markers", () => {
  it("finds the server of a repository's web URL", () => {
    expect(serverUrlOf({ htmlUrl: "https://github.com/acme/gitops", repo: { owner: "acme", repo: "gitops" } })).toBe("https://github.com");
    expect(serverUrlOf({ htmlUrl: "https://ghe.example.com/Acme/GitOps/", repo: { owner: "acme", repo: "gitops" } })).toBe("https://ghe.example.com");
  });
});
