/**
 * Revocation on `ferry mcp --http` (mcp/http.ts), with the SDK's real client over Streamable HTTP
 * against the fake GitHub: a token GitHub revokes stops working once FERRY_MCP_TOKEN_TTL (default
 * 60 s) has passed since GitHub last accepted it, and a token GitHub rejects is never remembered.
 * Time is the server's injected clock, never a wait.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mcpTokenTtlMs, serveMcpHttp, type McpHttpOptions, type McpHttpServer } from "../../../mcp/http.js";
import { ContractIndex, FakeGitHub } from "../../support/fake-github/index.js";
import { runCli } from "../../support/workspace.js";
import { structured } from "../../mcp/check.js";

let github: FakeGitHub;
const servers: McpHttpServer[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  github = await FakeGitHub.start({ contract: ContractIndex.load() });
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  for (const s of servers) await s.close();
  await github?.close();
});
afterEach(() => {
  // An auth violation of GET /user is GitHub rejecting a revoked token, which these tests provoke on purpose.
  const unexpected = github.violations.filter((v) => !(v.kind === "auth" && v.method === "GET" && v.url === "/user"));
  github.clearViolations();
  github.violations.push(...unexpected);
  github.assertNoViolations();
});

/** A server on the bundled example whose clock the test moves. */
async function serve(options: Partial<McpHttpOptions> = {}): Promise<{ server: McpHttpServer; clock: { now: number } }> {
  const clock = { now: 1_000_000 };
  const server = await serveMcpHttp({
    defaults: { apps: ["examples/apps"], platform: "examples/platform" },
    variables: { GITHUB_API_URL: github.url },
    now: () => clock.now,
    host: "127.0.0.1",
    port: 0,
    ...options,
  });
  servers.push(server);
  return { server, clock };
}

async function connect(server: McpHttpServer, token: string): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  clients.push(client);
  return client;
}

async function environments(client: Client): Promise<string[]> {
  const result = structured<{ environments: { name: string }[] }>(
    "ferry_list_environments",
    await client.callTool({ name: "ferry_list_environments", arguments: {} }),
  );
  return result.environments.map((e) => e.name);
}

/** GET /user requests the fake answered since `from`, with their statuses. */
function userLookups(from: number): number[] {
  return github.requests
    .slice(from)
    .filter((r) => r.method === "GET" && r.path === "/user")
    .map((r) => r.status);
}

describe("revoked tokens on MCP over HTTP", () => {
  it("a token GitHub revokes gets 401 once the default 60 s have passed, and every call after", async () => {
    const { server, clock } = await serve();
    const token = github.issueUserToken("pat");
    const client = await connect(server, token);
    expect(await environments(client)).toEqual(["dev", "staging", "prod"]);

    github.revokeUserToken(token);
    clock.now += 59_000;
    // Still within the 60 s GitHub's last answer is remembered (the documented window): GitHub is not asked.
    const within = github.requests.length;
    expect(await environments(client)).toEqual(["dev", "staging", "prod"]);
    expect(userLookups(within)).toEqual([]);

    clock.now += 1_000;
    const before = github.requests.length;
    await expect(client.callTool({ name: "ferry_list_environments", arguments: {} })).rejects.toMatchObject({ code: 401 });
    expect(userLookups(before)).toEqual([401]);
    // The rejection is not remembered either way: GitHub is asked again, and says no again.
    await expect(client.callTool({ name: "ferry_list_environments", arguments: {} })).rejects.toMatchObject({ code: 401 });
    expect(userLookups(before)).toEqual([401, 401]);
  });

  it("FERRY_MCP_TOKEN_TTL sets the window: 5 s, and 0 asks GitHub on every request", async () => {
    const five = await serve({ variables: { GITHUB_API_URL: github.url, FERRY_MCP_TOKEN_TTL: "5" } });
    const token = github.issueUserToken("pat");
    const client = await connect(five.server, token);
    expect(await environments(client)).toEqual(["dev", "staging", "prod"]);
    github.revokeUserToken(token);
    five.clock.now += 5_000;
    await expect(client.callTool({ name: "ferry_list_environments", arguments: {} })).rejects.toMatchObject({ code: 401 });

    const zero = await serve({ variables: { GITHUB_API_URL: github.url, FERRY_MCP_TOKEN_TTL: "0" } });
    const other = github.issueUserToken("alice");
    const alice = await connect(zero.server, other);
    const before = github.requests.length;
    expect(await environments(alice)).toEqual(["dev", "staging", "prod"]);
    expect(await environments(alice)).toEqual(["dev", "staging", "prod"]);
    // Every request asked GitHub (the client may send more than one per call).
    expect(userLookups(before).length).toBeGreaterThanOrEqual(2);
    expect(new Set(userLookups(before))).toEqual(new Set([200]));
    github.revokeUserToken(other);
    // Same instant: nothing is remembered, so the revocation holds at once.
    await expect(alice.callTool({ name: "ferry_list_environments", arguments: {} })).rejects.toMatchObject({ code: 401 });
  });

  it("never remembers a token GitHub rejected: it is asked again on the next request", async () => {
    const { server } = await serve();
    const token = github.issueUserToken("pat");
    github.revokeUserToken(token);
    const initialize = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    };
    const post = () =>
      fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${token}` },
        body: JSON.stringify(initialize),
      });
    const before = github.requests.length;
    expect((await post()).status).toBe(401);
    expect((await post()).status).toBe(401);
    expect(userLookups(before)).toEqual([401, 401]);
    // Were GitHub to accept it again (the fake's state, set by hand), the very next request is served.
    github.state.userTokens.set(token, "pat");
    expect((await post()).status).toBe(200);
  });

  it("refuses a FERRY_MCP_TOKEN_TTL that is not 0 to 3600 whole seconds, naming it", async () => {
    expect(mcpTokenTtlMs({})).toBe(60_000);
    expect(mcpTokenTtlMs({ FERRY_MCP_TOKEN_TTL: "30" })).toBe(30_000);
    for (const bad of ["-1", "1.5", "soon", "3601"]) expect(() => mcpTokenTtlMs({ FERRY_MCP_TOKEN_TTL: bad })).toThrow(/^FERRY_MCP_TOKEN_TTL: must be/);
    const run = await runCli(["mcp", "--http", "--port", "0"], { FERRY_MCP_TOKEN_TTL: "soon" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/FERRY_MCP_TOKEN_TTL: must be a whole number of seconds from 0 to 3600, got "soon"/);
  });
});
