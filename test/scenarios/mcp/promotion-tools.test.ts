/**
 * The promotion tools through the SDK's real Client (in-memory transport), acting with a person's
 * token against the fake GitHub and real GitOps repositories: ferry_promote and ferry_rollback
 * only with --allow-writes, refused for a read-only person with nothing changed, and opening the
 * pull request a `/ferry promote` comment opens; ferry_promotions lists them with their gates.
 */
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { describe, expect, it } from "vitest";
import { tokenClient } from "../../../adapters/github/client.js";
import { personContext } from "../../../mcp/context.js";
import { createFerryMcpServer } from "../../../mcp/server.js";
import type { PullRequestRecord } from "../../support/fake-github/model.js";
import { APP_REPO, GITOPS_REPO, PLATFORM_REPO, sceneTeardown } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";
import {
  appPullRequest,
  comment,
  footprint,
  git,
  githubApi,
  mustPromotion,
  PROD_REPO,
  releaseImage,
  startPromotionScene,
} from "../../support/promotion-scene.js";

const scenes = sceneTeardown();

/** A Client connected to a server acting as `login`. */
async function clientAs(s: Scene, login: string, allowWrites: boolean): Promise<Client> {
  const variables = { FERRY_PLATFORM_REPO: PLATFORM_REPO, FERRY_CACHE_DIR: join(s.cacheDir, "mcp"), FERRY_APP_ID: String(s.fake.app.id) };
  const context = await personContext(s.fake.issueUserToken(login), { apps: [] }, variables, (token) => tokenClient({ token, baseUrl: s.fake.url }));
  const [a, b] = InMemoryTransport.createLinkedPair();
  await createFerryMcpServer({ context, allowWrites }).connect(a);
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(b);
  // Listing lets the Client check every structuredContent against the tool's output schema.
  await client.listTools();
  return client;
}

const sameShape = async (s: Scene, pr: PullRequestRecord) => ({
  branch: pr.head.ref,
  title: pr.title,
  body: (pr.body ?? "").replace(/ \(\[comment\]\([^)]*\)\)/, ""),
  labels: pr.labels,
  files: await git(s, pr.repo, ["ls-tree", "-r", pr.head.sha, "--", "environments/staging", "releases"]),
});

describe("the MCP promotion tools", () => {
  it("list the write tools only with --allow-writes, with truthful annotations", async () => {
    const p = await startPromotionScene();
    const s = scenes.track(p.s);
    const reader = await clientAs(s, "otto", false);
    const names = (await reader.listTools()).tools.map((t) => t.name);
    expect(names).toContain("ferry_promotions");
    expect(names).not.toContain("ferry_promote");
    expect(names).not.toContain("ferry_rollback");
    const writer = await clientAs(s, "otto", true);
    const tools = (await writer.listTools()).tools;
    const promote = tools.find((t) => t.name === "ferry_promote");
    expect(promote?.annotations).toMatchObject({ readOnlyHint: false, openWorldHint: true });
    expect(tools.find((t) => t.name === "ferry_rollback")?.annotations).toEqual(promote?.annotations);
    expect(tools.find((t) => t.name === "ferry_promotions")?.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true });
    await Promise.all([reader.close(), writer.close()]);
  });

  it("ferry_promote: refused for a read-only person (nothing changes); opens the pull request /ferry promote opens for an allowed one", async () => {
    const p = await startPromotionScene();
    const s = scenes.track(p.s);
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    await githubApi(s, "PATCH", `/repos/${GITOPS_REPO}/pulls/${mustPromotion(s, "staging").number}`, { state: "closed" });
    s.fake.setPermission(APP_REPO, "rita", "read");
    s.fake.setPermission(APP_REPO, "maya", "write");
    s.fake.setPermission(GITOPS_REPO, "maya", "write");

    const before = await footprint(s);
    const rita = await clientAs(s, "rita", true);
    const refused = await rita.callTool({ name: "ferry_promote", arguments: { component: "shop/api", env: "prod" } });
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toMatchObject({
      person: "rita",
      role: "read",
      status: "refused",
      reason: "@rita has read permission; promote to prod needs maintain",
    });
    expect(await footprint(s)).toBe(before);
    expect(s.fake.pullsIn(PROD_REPO)).toEqual([]);
    // A bad call is an error naming the field; the next call is served.
    const bad = await rita.callTool({ name: "ferry_promote", arguments: { component: "shop", env: "prod" } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain("component");

    const maya = await clientAs(s, "maya", true);
    const opened = await maya.callTool({ name: "ferry_promote", arguments: { component: "shop/api", env: "staging" } });
    expect(opened.isError).toBeFalsy();
    const byTool = mustPromotion(s, "staging");
    expect(opened.structuredContent).toMatchObject({ person: "maya", status: "opened", release, pull: { number: byTool.number } });
    expect(byTool.user).toBe("maya");
    const listed = await rita.callTool({ name: "ferry_promotions", arguments: {} });
    expect(listed.structuredContent).toEqual({
      promotions: [expect.objectContaining({ number: byTool.number, release, to: "staging", requestedBy: "maya", gates: null })],
    });
    const tool = await sameShape(s, byTool);
    await githubApi(s, "PATCH", `/repos/${GITOPS_REPO}/pulls/${byTool.number}`, { state: "closed" });

    const pr = await appPullRequest(p);
    await comment(p, APP_REPO, pr.number, "maya", "/ferry promote staging");
    const byComment = mustPromotion(s, "staging");
    expect(byComment.number).not.toBe(byTool.number);
    expect(await sameShape(s, byComment)).toEqual(tool);
    await Promise.all([rita.close(), maya.close()]);
  });
});
