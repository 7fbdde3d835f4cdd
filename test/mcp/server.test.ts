import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFerryMcpServer } from "../../mcp/server.js";
import { API_YAML, PLATFORM_YAML, Scratch } from "../support/workspace.js";

const s = new Scratch();
let client: Client;
beforeAll(async () => {
  s.write("platform", { ".ferry/platform.yaml": PLATFORM_YAML });
  s.write("apps/acme/shop-api", { ".ferry/api.yaml": API_YAML });
  s.write("apps/acme/shop-web", { ".ferry/web.yaml": API_YAML.replace("name: api", "name: web").replace("port: 8080", "port: eighty") });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await createFerryMcpServer().connect(a);
  client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(b);
});
afterAll(async () => {
  await client.close();
  s.cleanup();
});

function text(result: Awaited<ReturnType<Client["callTool"]>>): string {
  const content = result.content as { type: string; text: string }[];
  return content[0]!.text;
}

describe("the MCP server", () => {
  it("lists its tools", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(expect.arrayContaining(["ferry_diff", "ferry_render", "ferry_schema", "ferry_validate"]));
  });

  it("validates and reports located errors as a tool error", async () => {
    const result = await client.callTool({ name: "ferry_validate", arguments: { apps: [s.path("apps")], platform: s.path("platform") } });
    expect(result.isError).toBe(true);
    const body = JSON.parse(text(result)) as { ok: boolean; diagnostics: { file: string; line: number; field: string }[] };
    expect(body.ok).toBe(false);
    expect(body.diagnostics).toContainEqual(expect.objectContaining({ line: 14, field: "spec.endpoints.http.port" }));
  });

  it("renders in memory and returns one file", async () => {
    const args = { apps: [s.path("apps/acme/shop-api")], platform: s.path("platform"), env: ["dev"] };
    const list = JSON.parse(text(await client.callTool({ name: "ferry_render", arguments: args }))) as { files: string[] };
    expect(list.files).toContain("environments/dev/shop/api/deployment-api.yaml");
    const file = text(await client.callTool({ name: "ferry_render", arguments: { ...args, path: "environments/dev/shop/api/deployment-api.yaml" } }));
    expect(file).toMatch(/^kind: Deployment$/m);
  });

  it("turns bad arguments into readable tool errors", async () => {
    const result = await client.callTool({ name: "ferry_validate", arguments: { apps: [s.path("nope")], platform: s.path("platform") } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/no such directory/);
  });
});
