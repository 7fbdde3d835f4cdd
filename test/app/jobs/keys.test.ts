/** The key a webhook delivery's job is queued under (app/jobs/keys.ts). */
import { describe, expect, it } from "vitest";
import { deliveryKey } from "../../../app/jobs/keys.js";

describe("deliveryKey", () => {
  it("keys Ferry pull requests by component and target, everything else by repository", () => {
    const repository = { full_name: "Acme/GitOps" };
    expect(deliveryKey({ repository, pull_request: { head: { ref: "ferry/promote/shop/api/staging" } } })).toBe("target:shop/api/staging");
    expect(deliveryKey({ repository, pull_request: { head: { ref: "ferry/release/dev/shop/api" } } })).toBe("target:shop/api/dev");
    expect(deliveryKey({ repository, pull_request: { head: { ref: "feature" } } })).toBe("repo:acme/gitops");
    expect(deliveryKey({ repository: { full_name: "acme/shop-api" } })).toBe("repo:acme/shop-api");
  });
});
