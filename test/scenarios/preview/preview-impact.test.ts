/** Preview: a pull request that breaks a consumer in another repository, end to end. */
import { describe, expect, it } from "vitest";
import { VALIDATE_CHECK } from "../../../adapters/github/checks.js";
import { markerPart } from "../../../core/comments/markers.js";
import { payload } from "../../support/webhooks.js";
import { APP_REPO, commitApp, componentYaml, pushPayload, startScene, sceneTeardown } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";

const scenes = sceneTeardown();
const PAY_REPO = "acme/pay";

/** shop/api with its http endpoint open to the organization (pay's components may use it). */
const API_YAML = componentYaml().replace("    http: {type: HTTP, port: 8080}\n", "    http: {type: HTTP, port: 8080, visibility: [project, organization]}\n");

/** pay/ledger, in acme/pay, consuming shop/api's http endpoint. */
const LEDGER_YAML = `${componentYaml({ name: "ledger", project: "pay", image: "ghcr.io/acme/ledger:1.0.0" })}  dependencies:
    - component: api
      project: shop
      endpoint: http
      env: {url: SHOP_API_URL}
`;

const previewBody = (s: Scene, number: number) =>
  s.fake
    .commentsOn(APP_REPO, number)
    .filter((c) => markerPart(c.body, "preview") !== undefined)
    .map((c) => c.body)
    .join("\n");

describe("preview: dependency impact across repositories", () => {
  it("fails Ferry / validate when a pull request removes an endpoint another repository consumes, and shows it in the preview", async () => {
    const s = scenes.track(await startScene({ appFiles: { ".ferry/api.yaml": API_YAML } }));
    // Release flow: shop/api, then pay/ledger (another repository) to dev.
    const api = await commitApp(s, { ".ferry/api.yaml": API_YAML.replace("api:1.0.0", "api:1.0.1") });
    await s.post("push", pushPayload(s, api.sha, api.before, { modified: [".ferry/api.yaml"] }));
    await s.fake.addRepo({ owner: "acme", name: "pay", files: { "README.md": "pay\n" } });
    const ledger = await commitApp(s, { ".ferry/ledger.yaml": LEDGER_YAML }, undefined, PAY_REPO);
    await s.post("push", pushPayload(s, ledger.sha, ledger.before, { added: [".ferry/ledger.yaml"] }, PAY_REPO));
    expect(await s.gitopsFiles()).toEqual(expect.arrayContaining([expect.stringMatching(/^releases\/pay\/ledger\/[0-9a-f]{12}\.yaml$/)]));

    // Preview: a pull request on shop-api removes the endpoint pay/ledger consumes.
    const removed = API_YAML.replace("  endpoints:\n    http: {type: HTTP, port: 8080, visibility: [project, organization]}\n", "").replace(
      "      readiness: {httpGet: {path: /healthz, port: http}}\n",
      "      readiness: {httpGet: {path: /healthz, port: 8080}}\n",
    );
    expect(removed).not.toContain("endpoints:");
    await s.fake.setBranch(APP_REPO, "drop-http");
    await s.fake.commit(APP_REPO, { files: { ".ferry/api.yaml": removed }, branch: "drop-http" });
    const pr = await s.fake.openPullRequest(APP_REPO, { head: "drop-http", title: "drop the http endpoint" });
    await s.post(
      "pull_request",
      payload("pull_request", "opened", {
        repo: APP_REPO,
        sha: pr.head.sha,
        before: pr.base.sha,
        branch: "drop-http",
        baseBranch: "main",
        number: pr.number,
        installationId: s.installationId,
      }),
    );

    const check = s.fake.latestCheckRun(APP_REPO, VALIDATE_CHECK, pr.head.sha)!;
    expect(check.conclusion).toBe("failure");
    const named = /endpoint http of shop\/api is removed, but pay\/ledger \(acme\/pay, \.ferry\/ledger\.yaml\) still consumes it/;
    const annotated = check.annotations.map((a) => a.message).join("\n");
    expect(`${check.output.text ?? ""}\n${check.output.summary ?? ""}\n${annotated}`).toMatch(named);
    expect(check.annotations).toEqual(expect.arrayContaining([expect.objectContaining({ path: ".ferry/api.yaml", annotation_level: "failure" })]));

    const body = previewBody(s, pr.number);
    expect(body).toContain("#### Dependency impact in dev");
    expect(body).toMatch(/\| endpoint http of shop\/api is removed \| `pay\/ledger` \| acme\/pay \| `\.ferry\/ledger\.yaml` \| ❌ breaks \|/);
    const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(body.slice(body.indexOf("#### Dependency impact in dev")))?.[1] ?? "";
    expect(mermaid).toMatch(/^flowchart LR/);
    expect(mermaid).toContain('["pay/ledger<br/>acme/pay"]');
    expect(mermaid).toContain('["shop/api<br/>acme/shop-api"]');
    expect(mermaid).toMatch(/n\d+ -\.->\|"http"\| n\d+/);
    // staging runs neither component: nothing there to break.
    expect(body).not.toContain("#### Dependency impact in staging");
  });
});
