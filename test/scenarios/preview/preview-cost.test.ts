/** Preview, end to end: the comment shows each environment's monthly cost before and after the pull request, and the change. */
import { describe, expect, it } from "vitest";
import { VALIDATE_CHECK } from "../../../adapters/github/checks.js";
import { markerPart } from "../../../core/comments/markers.js";
import { payload } from "../../support/webhooks.js";
import { APP_REPO, commitApp, componentYaml, pushPayload, sceneTeardown, startScene } from "../../support/harness.js";

const scenes = sceneTeardown();

// Prices per vCPU-month and GiB-month of memory.
const CPU = 20;
const MEMORY = 4;

/** dev and prod both start the pipeline, so a push releases to both. */
const PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  environments:
    - name: dev
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
      autoMerge: true
    - name: prod
      gitops: {repo: acme/gitops, branch: main, path: environments/prod}
      autoMerge: true
  pricing: {cpu: ${CPU}, memory: ${MEMORY}, storage: 0.1, currency: EUR}
`;

/** The harness's service (100m CPU, 128Mi memory) with prod's replicas and CPU. */
const api = (prod: string) => componentYaml({ extra: `  environments:\n    prod: ${prod}\n` });

describe("the preview's cost", () => {
  it("shows prod's monthly cost before and after a pull request that raises replicas and CPU, and the delta", async () => {
    const s = scenes.track(await startScene({ platform: PLATFORM, appFiles: { "README.md": "shop api\n" } }));
    const released = await commitApp(s, { ".ferry/api.yaml": api("{replicas: 2}") });
    await s.post("push", pushPayload(s, released.sha, released.before, { added: [".ferry/api.yaml"] }));
    expect(await s.gitopsFiles()).toEqual(
      expect.arrayContaining(["environments/dev/shop/api/deployment-api.yaml", "environments/prod/shop/api/deployment-api.yaml"]),
    );

    await s.fake.setBranch(APP_REPO, "scale-up");
    await s.fake.commit(APP_REPO, { files: { ".ferry/api.yaml": api("{replicas: 4, resources: {cpu: 500m, memory: 128Mi}}") }, branch: "scale-up" });
    const pr = await s.fake.openPullRequest(APP_REPO, { head: "scale-up", title: "scale up" });
    const opened = payload("pull_request", "opened", {
      repo: APP_REPO,
      sha: pr.head.sha,
      before: pr.base.sha,
      branch: "scale-up",
      baseBranch: "main",
      number: pr.number,
      installationId: s.installationId,
    });
    expect((await s.post("pull_request", opened)).outcome).toBe("done");
    expect(s.fake.latestCheckRun(APP_REPO, VALIDATE_CHECK, pr.head.sha)).toMatchObject({ conclusion: "success" });

    const comments = s.fake.commentsOn(APP_REPO, pr.number).filter((c) => markerPart(c.body, "preview") !== undefined);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    const perPod = (cpu: number) => cpu * CPU + (128 / 1024) * MEMORY;
    const before = 2 * perPod(0.1); // 2 x (0.1 x 20 + 0.125 x 4) = 5
    const after = 4 * perPod(0.5); // 4 x (0.5 x 20 + 0.125 x 4) = 42
    const eur = (n: number) => `EUR ${n.toFixed(2)}`;
    const prod = body.slice(body.indexOf("### prod"));
    expect(prod).toContain(
      [
        "#### Cost in prod",
        "",
        "| component | monthly now | with this pull request | change |",
        "| --- | ---: | ---: | ---: |",
        `| \`shop/api\` | ${eur(before)} | ${eur(after)} | +${eur(after - before)} |`,
        `| **total** | **${eur(before)}** | **${eur(after)}** | **+${eur(after - before)}** |`,
      ].join("\n"),
    );
    expect(after - before).toBe(37);
    // dev does not change: the same cost, no delta.
    const dev = body.slice(body.indexOf("### dev"), body.indexOf("### prod"));
    expect(dev).toContain(`| \`shop/api\` | ${eur(perPod(0.1))} | ${eur(perPod(0.1))} | EUR 0.00 |`);
  });
});
