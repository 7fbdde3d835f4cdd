/**
 * `ferry mcp` over stdio, spawned from the built CLI (`node bin/ferry.js mcp`, run `npm run build`
 * first) with the SDK's real client: every tool called on the bundled example with the server's
 * workspace defaults, each result checked against its output schema; bad calls come back as
 * `isError` and the server keeps serving; with GITHUB_TOKEN the token's person's filter applies.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TOOLS } from "../../../mcp/tools/index.js";
import { callEvery, structured, textOf } from "../../mcp/check.js";
import { everyCall, startMcpWorld, type McpWorld } from "../../mcp/world.js";

let w: McpWorld;
const clients: Client[] = [];

async function spawnFerry(args: string[], env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["bin/ferry.js", "mcp", w.apps, "--platform", w.platform, ...args],
    env: { PATH: process.env.PATH ?? "", HOME: w.s.root, ...w.variables, ...env },
    stderr: "pipe",
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  w = await startMcpWorld();
}, 120_000);
afterAll(async () => {
  for (const c of clients) await c.close();
  await w?.close();
});
afterEach(() => w.github.assertNoViolations());

describe("ferry mcp over stdio", () => {
  it("lists every read tool, with --allow-writes too, and calls each on the bundled example", async () => {
    const client = await spawnFerry([]);
    const { tools } = await client.listTools();
    const reads = Object.values(TOOLS)
      .filter((t) => !t.writes)
      .map((t) => t.name)
      .sort();
    expect(tools.map((t) => t.name).sort()).toEqual(reads);
    const writes = await spawnFerry(["--allow-writes"]);
    expect((await writes.listTools()).tools.map((t) => t.name).sort()).toEqual(Object.keys(TOOLS).sort());

    const results = await callEvery(client, everyCall(w));
    expect(results.ferry_validate).toMatchObject({ ok: true, components: 8 });
    expect(results.ferry_get_component).toMatchObject({ repo: "acme/checkout-api", dependencies: ["payments/payments-api:http"] });
    expect(results.ferry_diff).toMatchObject({ added: 0, changed: 0, removed: 0 });
    // checkout-api in prod, on two clusters: eu-1 3 replicas (the autoscaler's minimum) x (0.5 cores x EUR 23 + 0.5 GiB x EUR 3.1) = EUR 39.15,
    // up to 20 (EUR 261); us-1 (its own overrides) 4 x (0.5 x 23 + 0.75 x 3.1) = EUR 55.30, up to 30 (EUR 414.75).
    const prod = (results.ferry_cost!.environments as { name: string; components: { component: string; monthly: number; max: number }[] }[])[0];
    expect(prod?.name).toBe("prod");
    expect(prod?.components.find((c) => c.component === "checkout-api")).toMatchObject({ monthly: 94.45, max: 675.75 });
    expect(results.ferry_graph!.edges).toContainEqual(
      expect.objectContaining({ from: "storefront/checkout-api", to: "payments/payments-api", endpoint: "http" }),
    );
    expect(results.ferry_impact).toMatchObject({ ok: true, changes: [], affected: [], hiddenConsumers: 0 });
  });

  it("answers bad calls with isError naming the field and keeps serving", async () => {
    const client = await spawnFerry([]);
    const wrongType = await client.callTool({ name: "ferry_validate", arguments: { env: "dev" } });
    expect(wrongType.isError).toBe(true);
    expect(textOf(wrongType)).toMatch(/env/);
    const unknownEnv = await client.callTool({ name: "ferry_validate", arguments: { env: ["qa"] } });
    expect(unknownEnv.isError).toBe(true);
    expect(textOf(unknownEnv)).toMatch(/unknown environment qa/);
    const unknownComponent = await client.callTool({ name: "ferry_diagnose", arguments: { component: "storefront/nope" } });
    expect(unknownComponent.isError).toBe(true);
    const badName = await client.callTool({ name: "ferry_history", arguments: { component: "checkout-api" } });
    expect(badName.isError).toBe(true);
    expect(textOf(badName)).toMatch(/component/);
    expect(structured("ferry_list_environments", await client.callTool({ name: "ferry_list_environments", arguments: {} }))).toMatchObject({
      environments: [{ name: "dev" }, { name: "staging" }, { name: "prod" }],
    });
  });

  it("reports .ferry/ input errors as located diagnostics", async () => {
    const broken = w.s.write("broken/acme/checkout-api", {
      ".ferry/api.yaml":
        "apiVersion: ferry.dev/v1alpha1\nkind: Component\nmetadata: {name: api, project: storefront}\nspec:\n  type: service\n  container: {image: ghcr.io/acme/api:1}\n  endpoints:\n    http: {type: HTTP, port: eighty}\n",
    });
    const client = await spawnFerry([]);
    const result = await client.callTool({ name: "ferry_validate", arguments: { apps: [broken] } });
    expect(result.isError).toBe(true);
    const body = result.structuredContent as { ok: boolean; diagnostics: { file: string; line: number; column: number; field: string }[] };
    expect(body.ok).toBe(false);
    expect(body.diagnostics).toContainEqual(expect.objectContaining({ file: `${broken}/.ferry/api.yaml`, line: 8, field: "spec.endpoints.http.port" }));
  });

  it("with GITHUB_TOKEN shows only what the token's person can read", async () => {
    const client = await spawnFerry([], { GITHUB_TOKEN: w.github.issueUserToken("alice") });
    const listed = structured<{ components: { repo: string }[] }>(
      "ferry_list_components",
      await client.callTool({ name: "ferry_list_components", arguments: {} }),
    );
    expect(new Set(listed.components.map((c) => c.repo))).toEqual(new Set(["acme/checkout-api", "acme/jobs", "acme/storefront-web"]));
  });
});
