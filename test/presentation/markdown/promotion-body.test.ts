/** The promotion pull request's title and body (presentation/markdown/promotion-body.ts), and a rollback's wording. */
import { beforeAll, describe, expect, it } from "vitest";
import { parsePromotionBody, parseUpdatedFrom, promotionBranch } from "../../../core/promotion/body.js";
import { asRollback, fileDetails, promotionPullRequest } from "../../../presentation/markdown/promotion-body.js";
import type { RenderedComponent } from "../../../core/render.js";
import { R1 } from "../../support/promotion-fixtures.js";
import { bodyInput, checkoutApiProd } from "../../support/promotion-body-input.js";
import { rollbackGatesSummary } from "../../../presentation/markdown/gates-check.js";

/** checkout-api rendered for prod from the single-cluster example (the real compiler, real policies). */
let prod: RenderedComponent;

beforeAll(() => {
  ({ prod } = checkoutApiProd());
});

describe("promotion pull request", () => {
  it("is named after component and target, with markers the app can read back", () => {
    const pr = promotionPullRequest(bodyInput());
    const id = prod.release.metadata.name;
    expect(pr.branch).toBe("ferry/promote/storefront/checkout-api/prod");
    expect(promotionBranch("payments", "payments-db", "staging")).toBe("ferry/promote/payments/payments-db/staging");
    expect(pr.title).toBe(`ferry: promote storefront/checkout-api ${id} from staging to prod`);
    const lines = pr.body.split("\n");
    expect(lines[0]).toBe("<!-- ferry:promotion storefront/checkout-api -> prod -->");
    expect(lines[1]).toBe(`<!-- ferry:release ${id} from staging -->`);
    expect(parsePromotionBody(pr.body)).toEqual({ project: "storefront", component: "checkout-api", to: "prod", release: id, from: "staging" });
    expect(parsePromotionBody("just a PR")).toBeUndefined();
    expect(parsePromotionBody("<!-- ferry:promotion ../x/y -> prod -->")).toBeUndefined();
    expect(parsePromotionBody("<!-- ferry:promotion a/b -> prod -->\n<!-- ferry:release nope from dev -->")).toEqual({
      project: "a",
      component: "b",
      to: "prod",
      release: undefined,
      from: undefined,
    });
  });

  it("states release, source commit, environments and what the target runs now", () => {
    const { body } = promotionPullRequest(bodyInput());
    expect(body).toContain(`| Release | \`${prod.release.metadata.name}\` |`);
    expect(body).toContain(
      "| Source commit | [acme/checkout-api@c0ffee0](https://github.com/acme/checkout-api/commit/c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe) |",
    );
    expect(body).toContain("| Promotion | staging → prod |");
    expect(body).toContain(`| prod runs now | \`${R1}\` |`);
    expect(body).not.toContain("Updated from release");
  });

  it("summarises the change and gives each changed file a collapsible diff", () => {
    const { body } = promotionPullRequest(bodyInput());
    expect(body).toMatch(/### What changes in prod\n\n1 added, 2 changed, 1 removed, \d+ unchanged/);
    expect(body).toContain("<details><summary>changed <code>storefront/checkout-api/deployment-checkout-api.yaml</code> (+1 −1)</summary>");
    expect(body).toContain("<details><summary>added <code>storefront/checkout-api/poddisruptionbudget-checkout-api-availability.yaml</code>");
    expect(body).toContain("<details><summary>removed <code>storefront/checkout-api/configmap-legacy.yaml</code> (+0 −4)</summary>");
    expect(body).toMatch(
      /```diff\n--- a\/storefront\/checkout-api\/deployment-checkout-api.yaml\n\+\+\+ b\/storefront\/checkout-api\/deployment-checkout-api.yaml\n@@ [^\n]+\n(?:.*\n)*?- +image: ghcr.io\/acme\/checkout-api:1.4.1\n\+ +image: ghcr.io\/acme\/checkout-api:1.4.2\n/,
    );
    expect(body.match(/<details>/g)).toHaveLength(4);
    expect(body.match(/<\/details>/g)).toHaveLength(4);
  });

  it("shows the monthly cost before, after and the delta from the platform's prices", () => {
    const { body } = promotionPullRequest(bodyInput());
    // prod: 500m CPU and 512Mi per replica; the autoscaler's minReplicas goes from 2 to 3 (EUR 23/vCPU, 3.1/GiB).
    expect(body).toContain("| CPU requested (vCPU) | 1 | 1.5 | +0.5 |");
    expect(body).toContain("| Memory requested (GiB) | 1 | 1.5 | +0.5 |");
    expect(body).toContain("| **Monthly estimate** | EUR 26.10 | EUR 39.15 | +EUR 13.05 |");
  });

  it("lists policy results and the promotion history", () => {
    const warn = {
      severity: "warning" as const,
      code: "policy/custom",
      message: "a | pipe",
      file: "x.yaml",
      line: 0,
      column: 0,
      field: "",
      resource: "Deployment/checkout-api",
    };
    const { body } = promotionPullRequest(bodyInput({ diagnostics: [warn] }));
    expect(body).toContain("### Policies\n\n⚠️ No errors; 1 warning.");
    expect(body).toContain("| warning | `policy/custom` | Deployment/checkout-api | a \\| pipe |");
    expect(promotionPullRequest(bodyInput({ diagnostics: [] })).body).toContain("✅ Every policy holds for prod.");
    expect(body).toContain("### Promotion history\n\n| environment | release | since | commit | source | approved by |");
    expect(body).toMatch(new RegExp(`\\| prod \\| \`${R1}\` \\| 2025-03-10 10:00 UTC \\| \\[acme/gitops-prod@[0-9a-f]{7}\\]`));
  });

  it("says when a newer release updated the pull request", () => {
    const { body } = promotionPullRequest(bodyInput({ subject: { ...bodyInput().subject, updatedFrom: "0123456789ab" } }));
    expect(body).toContain(`> Updated from release \`0123456789ab\` to \`${prod.release.metadata.name}\`.`);
    // Ferry reads which release it carried before from the hidden marker, never from the note.
    expect(parseUpdatedFrom(body)).toEqual({ from: "0123456789ab", to: prod.release.metadata.name });
  });

  it("keeps within the length limit by listing diffs that do not fit", () => {
    const full = promotionPullRequest(bodyInput()).body;
    const limited = promotionPullRequest(bodyInput({ maxLength: full.length - 200 })).body;
    expect(limited.length).toBeLessThanOrEqual(full.length - 200);
    expect(limited).toMatch(/Diffs of \d+ more files? do not fit in this description; see the Files changed tab:\n- /);
    expect(limited.match(/<details>/g)?.length ?? 0).toBeLessThan(4);
    expect(limited.match(/<details>/g)?.length ?? 0).toBe(limited.match(/<\/details>/g)?.length ?? 0);
  });

  it("gives byte-identical output for the same inputs, and nothing to diff when the files are equal", () => {
    expect(promotionPullRequest(bodyInput()).body).toBe(promotionPullRequest(bodyInput()).body);
    const same = promotionPullRequest(bodyInput({ before: prod.files })).body;
    expect(same).toContain("The rendered manifests are identical: this promotion changes nothing in prod.");
    expect(same).toContain("| **Monthly estimate** | EUR 39.15 | EUR 39.15 | EUR 0.00 |");
  });

  it("fences diffs that contain backticks with a longer fence", () => {
    const details = fileDetails({ path: "a.yaml", status: "added", after: "data: |\n  ```\n  code\n  ```\n" });
    expect(details).toContain("\n````diff\n");
    expect(details).toMatch(/\n````\n\n<\/details>$/);
  });
});

describe("Ferry's branches and markers", () => {
  it("words a rollback as one", () => {
    const pr = { branch: "ferry/promote/s/c/dev", title: "t", body: "## Promote `s/c` to dev\n| Promotion | dev → dev |\n" };
    expect(asRollback(pr, { project: "s", component: "c", env: "dev", release: R1 })).toEqual({
      branch: pr.branch,
      title: `ferry: roll back s/c in dev to ${R1}`,
      body: `## Roll back \`s/c\` in dev to \`${R1}\`\n| Rollback | dev goes back to a release it ran before |\n`,
    });
    expect(rollbackGatesSummary(`Promotion of release \`${R1}\` from **dev** to **dev**.\n\n|`, "dev", R1)).toBe(
      `Rollback of **dev** to release \`${R1}\`.\n\n|`,
    );
  });
});
