/**
 * The MCP server mounted by the app at /mcp, on the same port as the webhooks: the SDK's real
 * client over Streamable HTTP with a person's token of the fake GitHub; no token is a 401; an
 * argument naming a file on the app's machine is refused.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import { mcpHttpHandler } from "../../../mcp/http.js";
import { remoteInput } from "../../../mcp/server.js";
import { TOOLS } from "../../../mcp/tools/index.js";
import { sceneTeardown, startScene } from "../../support/harness.js";
import { structured, textOf } from "../../mcp/check.js";

const scenes = sceneTeardown();

describe("the app's /mcp", () => {
  it("serves the MCP tools beside the webhooks to a person with a GitHub token, and 401 without one", async () => {
    // The fake GitHub's address is known once the scene runs: the app gets a handler that forwards to the real one.
    let handler: ReturnType<typeof mcpHttpHandler> | undefined = undefined;
    const s = scenes.track(await startScene({ deps: { mcp: (req, res) => handler!(req, res) } }));
    handler = mcpHttpHandler({ defaults: { apps: ["examples/apps"], platform: "examples/platform" }, variables: { GITHUB_API_URL: s.fake.url } });
    const token = s.fake.issueUserToken("pat");
    const url = new URL("/mcp", s.server.url);
    const bare = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(bare.status).toBe(401);

    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(
        Object.values(TOOLS)
          .filter((t) => !t.writes && remoteInput(t) !== undefined)
          .map((t) => t.name)
          .sort(),
      );
      const envs = structured<{ environments: { name: string }[] }>(
        "ferry_list_environments",
        await client.callTool({ name: "ferry_list_environments", arguments: {} }),
      );
      expect(envs.environments.map((e) => e.name)).toEqual(["dev", "staging", "prod"]);
      const named = await client.callTool({ name: "ferry_list_environments", arguments: { platform: "/etc" } });
      expect(named.isError).toBe(true);
      expect(textOf(named)).toMatch(/^ferry_list_environments: refused, nothing was read:\nplatform: not accepted over HTTP/);
    } finally {
      await client.close();
    }
  });
});
