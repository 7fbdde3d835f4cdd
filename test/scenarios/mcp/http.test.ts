/**
 * `ferry mcp --http` (mcp/http.ts) with the SDK's real client over Streamable HTTP: every request
 * carries a GitHub token of the fake GitHub; each tool served over HTTP is called on the bundled
 * example (GitOps repositories and clusters the platform's, read through the server's
 * configuration) and its result checked against its output schema; a person sees only the
 * components of repositories GitHub lets them read; no token or a rejected one is a 401 and nothing runs.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { serveMcpHttp, type McpHttpServer } from "../../../mcp/http.js";
import { remoteInput } from "../../../mcp/server.js";
import { TOOLS } from "../../../mcp/tools/index.js";
import { callEvery, structured, textOf } from "../../mcp/check.js";
import { everyRemoteCall, startMcpWorld, type McpWorld } from "../../mcp/world.js";

let w: McpWorld;
let server: McpHttpServer;
const clients: Client[] = [];

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  clients.push(client);
  return client;
}

beforeAll(async () => {
  w = await startMcpWorld();
  w.github.setPermission("acme/payments", "pat", "read");
  server = await serveMcpHttp({ defaults: { apps: [w.apps], platform: w.platform }, variables: w.variables, host: "127.0.0.1", port: 0 });
}, 120_000);
afterAll(async () => {
  for (const c of clients) await c.close();
  await server?.close();
  await w?.close();
});
afterEach(() => w.github.assertNoViolations());

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

async function post(headers: Record<string, string>): Promise<Response> {
  return fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify(initialize),
  });
}

describe("ferry mcp --http", () => {
  it("answers 401 without a token and with a token GitHub rejects, asking GitHub nothing more", async () => {
    const none = await post({});
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const before = w.github.requests.length;
    const bad = await post({ authorization: "Bearer ghu_not_a_real_token" });
    expect(bad.status).toBe(401);
    expect(w.github.requests.slice(before).map((r) => r.status)).toEqual([401]);
    w.github.clearViolations();
  });

  it("lists the read tools with output schemas and annotations, and no write tool", async () => {
    const client = await connect(w.github.issueUserToken("pat"));
    const { tools } = await client.listTools();
    const readTools = Object.values(TOOLS).filter((t) => !t.writes && remoteInput(t) !== undefined);
    expect(tools.map((t) => t.name).sort()).toEqual(readTools.map((t) => t.name).sort());
    expect(tools.map((t) => t.name)).not.toContain("ferry_diff");
    expect(tools.map((t) => t.name)).not.toContain("ferry_impact");
    for (const t of tools) {
      expect(t.outputSchema, t.name).toBeDefined();
      expect(t.annotations?.readOnlyHint, t.name).toBe(true);
      expect(t.annotations?.destructiveHint, t.name).toBe(false);
    }
  });

  it("calls every tool on the bundled example; each result matches its output schema", async () => {
    const client = await connect(w.github.issueUserToken("pat"));
    const results = await callEvery(client, everyRemoteCall());
    expect((results.ferry_list_components!.components as { name: string }[]).map((c) => c.name)).toContain("payments-api");
    expect(results.ferry_render!.content).toMatch(/^kind: Deployment$/m);
    expect(results.ferry_status!.environments).toEqual([expect.objectContaining({ environment: "dev", context: "acme-dev" })]);
    const history = results.ferry_history!.environments as Record<string, { release: string }[]>;
    expect(history.dev).toHaveLength(1);
  });

  it("shows a person none of the components of a repository GitHub hides from them", async () => {
    const client = await connect(w.github.issueUserToken("alice"));
    const listed = structured<{ components: { repo: string; name: string }[] }>(
      "ferry_list_components",
      await client.callTool({ name: "ferry_list_components", arguments: {} }),
    );
    expect(listed.components.length).toBeGreaterThan(0);
    expect(listed.components.map((c) => c.repo)).not.toContain("acme/payments");
    expect(listed.components.map((c) => c.name)).not.toContain("payments-api");

    const hidden = await client.callTool({ name: "ferry_get_component", arguments: { component: "payments/payments-api" } });
    expect(hidden.isError).toBe(true);
    expect(textOf(hidden)).toMatch(/no component payments\/payments-api/);

    // The visible components still resolve their dependencies on the hidden ones.
    const validated = structured<{ ok: boolean }>("ferry_validate", await client.callTool({ name: "ferry_validate", arguments: { env: ["dev"] } }));
    expect(validated.ok).toBe(true);
    const rendered = structured<{ files: string[] }>("ferry_render", await client.callTool({ name: "ferry_render", arguments: { env: ["dev"] } }));
    expect(rendered.files).toContain("environments/dev/storefront/checkout-api/deployment-checkout-api.yaml");
    expect(rendered.files.filter((f) => f.includes("/payments-api/"))).toEqual([]);

    // Nor what GitOps and the clusters hold of them.
    const calls = everyRemoteCall();
    const status = structured<{ environments: { components: { component: string }[] }[] }>(
      "ferry_status",
      await client.callTool({ name: "ferry_status", arguments: calls.ferry_status }),
    );
    const running = status.environments.flatMap((e) => e.components.map((c) => c.component));
    expect(running).toContain("checkout-api");
    expect(running).toContain("payout-reconciliation");
    expect(running).not.toContain("payments-api");
    const drift = structured<{ releases: { component: string }[] }>(
      "ferry_drift",
      await client.callTool({ name: "ferry_drift", arguments: calls.ferry_drift }),
    );
    expect(drift.releases.map((r) => r.component)).toContain("storefront/checkout-api");
    expect(drift.releases.map((r) => r.component)).not.toContain("payments/payments-api");
    const history = await client.callTool({ name: "ferry_history", arguments: { component: "payments/payments-api", env: ["dev"] } });
    expect(history.isError).toBe(true);

    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain("ferry://components/storefront/checkout-api");
    expect(resources.map((r) => r.uri)).not.toContain("ferry://components/payments/payments-api");
    await expect(client.readResource({ uri: "ferry://components/payments/payments-api" })).rejects.toThrow(/no component/);
  });

  it("serves the platform, components and schemas as resources", async () => {
    const client = await connect(w.github.issueUserToken("pat"));
    const platform = await client.readResource({ uri: "ferry://platform" });
    expect(JSON.parse((platform.contents[0] as { text: string }).text)).toMatchObject({ kind: "Platform", metadata: { name: "acme" } });
    const component = await client.readResource({ uri: "ferry://components/payments/payments-api" });
    expect(JSON.parse((component.contents[0] as { text: string }).text)).toMatchObject({ kind: "Component", metadata: { name: "payments-api" } });
    const schema = await client.readResource({ uri: "ferry://schemas/Component" });
    expect(JSON.parse((schema.contents[0] as { text: string }).text)).toMatchObject({ title: "Component" });
  });

  it("answers a bad call with isError naming the field, and the next call succeeds", async () => {
    const client = await connect(w.github.issueUserToken("pat"));
    const wrongType = await client.callTool({ name: "ferry_schema", arguments: { kind: 5 } });
    expect(wrongType.isError).toBe(true);
    expect(textOf(wrongType)).toMatch(/kind/);
    const unknown = await client.callTool({ name: "ferry_get_component", arguments: { component: "storefront/nope" } });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/^ferry_get_component: component: no component storefront\/nope/);
    const noTool = await client.callTool({ name: "ferry_nope", arguments: {} });
    expect(noTool.isError).toBe(true);
    const next = structured<{ kind: string }>("ferry_schema", await client.callTool({ name: "ferry_schema", arguments: { kind: "Trait" } }));
    expect(next.kind).toBe("Trait");
  });
});
