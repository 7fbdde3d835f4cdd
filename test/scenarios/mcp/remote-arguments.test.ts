/**
 * A remote MCP caller never names Ferry's files or network (mcp/server.ts, `serverSide`): over
 * Streamable HTTP, with the SDK's real client, a person's token of the fake GitHub, real git and
 * the fake Kubernetes API, every argument that would name a file, directory, repository URL,
 * branch or path on the server is refused by name before any tool runs, and no error quotes a
 * file's content. Over stdio (the built CLI, a person on their own machine) the same arguments
 * still work, a kubeconfig's YAML error names the file and line without its lines, and the
 * person's GITHUB_TOKEN goes to no host a call chose.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { serveMcpHttp, type McpHttpServer } from "../../../mcp/http.js";
import { remoteInput, serverSideArgs } from "../../../mcp/server.js";
import { TOOLS } from "../../../mcp/tools/index.js";
import type { AnyTool } from "../../../mcp/tools/tool.js";
import { startGitServer } from "../../support/git-server.js";
import { structured, textOf, type ToolCallResult } from "../../mcp/check.js";
import { everyRemoteCall, git, startMcpWorld, type McpWorld } from "../../mcp/world.js";

/** A line no answer may ever show: it sits in files on the server that a call names. */
const SECRET = "ferry-test-secret-7c1f9e2a";

/** An attacker's host: records every request (and any credentials) it receives. */
interface Recorder {
  readonly url: string;
  readonly requests: { method: string; url: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

async function startRecorder(): Promise<Recorder> {
  const requests: Recorder["requests"] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
    req.resume();
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("nothing here\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let w: McpWorld;
let server: McpHttpServer;
let recorder: Recorder;
/** A kubeconfig-looking file whose YAML breaks right after a line holding SECRET. */
let secretKubeconfig: string;
/** A directory with a platform and an app checkout, each holding SECRET. */
let secretDir: string;
/** A bare GitOps repository on the server's disk that no platform names, and its commits. */
let strayRepo: string;
let strayCommits: string[];
const clients: Client[] = [];

beforeAll(async () => {
  w = await startMcpWorld();
  recorder = await startRecorder();
  secretKubeconfig = `${w.s.write("secrets", { "kubeconfig.yaml": `apiVersion: v1\nclusters:\n- name: x\n  token: ${SECRET}\n bad: [\n` })}/kubeconfig.yaml`;
  secretDir = w.s.write("secret-checkout", {
    ".ferry/platform.yaml": `apiVersion: ferry.dev/v1alpha1\nkind: Platform\nmetadata: {name: ${SECRET}\n`,
    ".ferry/api.yaml": `apiVersion: ferry.dev/v1alpha1\nkind: Component\nmetadata: {name: ${SECRET}\n`,
  });
  strayRepo = w.s.path("stray-gitops.git");
  git(w.s.root, "clone", "-q", "--bare", w.gitops, strayRepo);
  strayCommits = git(strayRepo, "log", "--format=%H", "main").trim().split("\n");
  server = await serveMcpHttp({ defaults: { apps: [w.apps], platform: w.platform }, variables: w.variables, allowWrites: true, host: "127.0.0.1", port: 0 });
}, 120_000);
afterAll(async () => {
  for (const c of clients) await c.close();
  await server?.close();
  await recorder?.close();
  await w?.close();
});
afterEach(() => w.github.assertNoViolations());

async function remote(token = w.github.issueUserToken("pat"), at: McpHttpServer = server): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  const headers = { Authorization: `Bearer ${token}` };
  await client.connect(new StreamableHTTPClientTransport(new URL(at.url), { requestInit: { headers } }));
  clients.push(client);
  return client;
}

async function local(env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["bin/ferry.js", "mcp", w.apps, "--platform", w.platform],
    env: { PATH: process.env.PATH ?? "", HOME: w.s.root, ...w.variables, ...env },
    stderr: "pipe",
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

/** The refusal of a call naming `arg`: an error naming it, before anything ran. */
function expectRefused(result: ToolCallResult, arg: string): void {
  expect(result.isError, textOf(result)).toBe(true);
  expect(textOf(result)).toContain(`${arg}: not accepted over HTTP`);
  expect(textOf(result)).toContain("refused, nothing was read");
}

/** A value of each server-side argument, pointing where an attacker would point it. */
function hostile(name: string): unknown {
  const values: Record<string, unknown> = {
    kubeconfig: secretKubeconfig,
    gitops: `${recorder.url}/acme/gitops.git`,
    branch: "refs/heads/elsewhere",
    path: "../../../../../etc",
    platform: secretDir,
    apps: [secretDir],
    against: secretDir,
  };
  if (!(name in values)) throw new Error(`no hostile value for the server-side argument ${name}: add one here`);
  return values[name];
}

/** Valid arguments for each tool, server-side ones left out. */
function baseCall(tool: AnyTool): Record<string, unknown> {
  const calls: Record<string, Record<string, unknown>> = {
    ...everyRemoteCall(),
    ferry_diff: {},
    ferry_impact: {},
    ferry_previews: {},
    ferry_promotions: {},
    ferry_promote: { component: "storefront/checkout-api", env: "staging" },
    ferry_rollback: { component: "storefront/checkout-api", env: "staging" },
    ferry_signals: { component: "storefront/checkout-api", env: "staging" },
    ferry_dora: { env: "staging" },
  };
  const call = calls[tool.name];
  if (!call) throw new Error(`no call of ${tool.name}: add one here`);
  return call;
}

/**
 * Arguments that take any string yet are not `serverSide`, each reviewed: every one is matched
 * against names the platform or a render defines and never opened as a file or address.
 */
const REVIEWED_STRINGS: Readonly<Record<string, string>> = {
  env: "environment names, matched against the platform's",
  components: "component names, matched against the clusters' objects",
  project: "a project name, matched against the loaded components",
  "ferry_render.path": "a key of the render in memory, never a file",
  "ferry_promote.breakGlass": "a reason, written into a commit trailer and a pull request comment, never opened",
};

describe("remote MCP arguments never name Ferry's files or network", () => {
  it("refuses a kubeconfig of /proc/self/environ or of a readable file, quoting none of it", async () => {
    const client = await remote();
    const environ = readFileSync("/proc/self/environ", "utf8");
    for (const name of ["ferry_status", "ferry_diagnose", "ferry_drift"]) {
      for (const kubeconfig of ["/proc/self/environ", secretKubeconfig]) {
        const result = await client.callTool({ name, arguments: { ...everyRemoteCall()[name], kubeconfig } });
        expectRefused(result, "kubeconfig");
        const text = textOf(result);
        expect(text).not.toContain(SECRET);
        // No 12 characters in a row of the server's environment (any variable's name and value).
        for (const entry of environ.split("\0")) for (let i = 0; i + 12 <= entry.length; i++) expect(text).not.toContain(entry.slice(i, i + 12));
      }
    }
    // The same calls without it read the server's own kubeconfig.
    const status = structured<{ environments: { context?: string }[] }>(
      "ferry_status",
      await client.callTool({ name: "ferry_status", arguments: { env: ["dev"] } }),
    );
    expect(status.environments.map((e) => e.context)).toEqual(["acme-dev"]);
  });

  it("refuses a gitops naming a bare repository on the server's disk: none of its commits is shown", async () => {
    const client = await remote();
    for (const [name, args] of [
      ["ferry_history", { component: "storefront/checkout-api", gitops: strayRepo }],
      ["ferry_drift", { env: ["dev"], gitops: strayRepo }],
      ["ferry_history", { component: "storefront/checkout-api", gitops: `file://${strayRepo}` }],
    ] as const) {
      const result = await client.callTool({ name, arguments: args });
      expectRefused(result, "gitops");
      for (const sha of strayCommits) expect(textOf(result)).not.toContain(sha);
    }
  });

  it("refuses a gitops of an attacker's URL: the attacker's host receives no request, so no token", async () => {
    const client = await remote();
    const before = w.gitServer.requests.length;
    for (const [name, args] of [
      ["ferry_history", { component: "storefront/checkout-api", gitops: `${recorder.url}/acme/gitops.git` }],
      ["ferry_drift", { env: ["dev", "staging"], gitops: `${recorder.url}/acme/gitops.git`, branch: "main" }],
    ] as const) {
      const result = await client.callTool({ name, arguments: args });
      expectRefused(result, "gitops");
    }
    expect(recorder.requests).toEqual([]);
    expect(w.gitServer.requests.length).toBe(before);
    // Without the argument, history is read from the repository the platform names (acme/gitops on the server's GitHub).
    const history = structured<{ environments: Record<string, unknown[]> }>(
      "ferry_history",
      await client.callTool({ name: "ferry_history", arguments: { component: "storefront/checkout-api", env: ["dev"] } }),
    );
    expect(history.environments.dev).toHaveLength(1);
    expect(w.gitServer.requests.slice(before).map((r) => r.repo)).toContain("acme/gitops");
  });

  it("sends the caller's token to the GitOps repository the platform names, on the server's GitHub", async () => {
    // The same repositories behind a git server that wants one person's token, as GitHub would.
    const token = w.github.issueUserToken("pat");
    const guarded = await startGitServer({ root: w.s.path("git"), token });
    const at = await serveMcpHttp({
      defaults: { apps: [w.apps], platform: w.platform },
      variables: { ...w.variables, GITHUB_SERVER_URL: guarded.url, FERRY_CACHE_DIR: w.s.path("guarded-cache") },
      host: "127.0.0.1",
      port: 0,
    });
    try {
      const call = { name: "ferry_history", arguments: { component: "storefront/checkout-api", env: ["dev"] } };
      const history = structured<{ environments: Record<string, unknown[]> }>("ferry_history", await (await remote(token, at)).callTool(call));
      expect(history.environments.dev).toHaveLength(1);
      expect(guarded.requests.map((r) => r.status)).not.toContain(401);
      // Another person's token is theirs to send: the git server refuses it, and the call says so.
      const other = await (await remote(w.github.issueUserToken("alice"), at)).callTool(call);
      expect(other.isError).toBe(true);
      expect(guarded.requests.map((r) => r.status)).toContain(401);
      expect(recorder.requests).toEqual([]);
    } finally {
      await at.close();
      await guarded.close();
    }
  });

  it("refuses every server-side argument of every tool by name (platform, apps, path, branch...), reading nothing", async () => {
    const client = await remote();
    const { tools } = await client.listTools();
    const served = new Map(tools.map((t) => [t.name, t]));
    const refusedArgs = new Set<string>();
    // A tool that needs a directory of the server is not served at all.
    const unserved = Object.values(TOOLS).filter((t) => remoteInput(t) === undefined);
    expect(unserved.map((t) => t.name).sort()).toEqual(["ferry_diff", "ferry_impact"]);
    for (const tool of unserved) {
      expect(served.has(tool.name), tool.name).toBe(false);
      const args = Object.fromEntries(serverSideArgs(tool).map((a) => [a.name, hostile(a.name)]));
      const result = await client.callTool({ name: tool.name, arguments: args });
      expect(result.isError, tool.name).toBe(true);
      expect(textOf(result)).toContain(`Tool ${tool.name} not found`);
    }
    const withLocal = Object.values(TOOLS).filter((t) => remoteInput(t) !== undefined && serverSideArgs(t).length > 0);
    for (const tool of withLocal) {
      const local = serverSideArgs(tool);
      // Nothing lists them: the remote input has none of the server-side arguments.
      const listed = Object.keys(served.get(tool.name)?.inputSchema.properties ?? {});
      for (const a of local) expect(listed, `${tool.name} lists ${a.name}`).not.toContain(a.name);
      for (const a of local) {
        const result = await client.callTool({ name: tool.name, arguments: { ...baseCall(tool), [a.name]: hostile(a.name) } });
        expectRefused(result, a.name);
        expect(textOf(result)).not.toContain(SECRET);
        refusedArgs.add(a.name);
      }
      // All of them at once: one refusal naming each.
      const all = await client.callTool({
        name: tool.name,
        arguments: { ...baseCall(tool), ...Object.fromEntries(local.map((a) => [a.name, hostile(a.name)])) },
      });
      for (const a of local) expectRefused(all, a.name);
    }
    expect([...refusedArgs].sort()).toEqual(["apps", "branch", "gitops", "kubeconfig", "path", "platform"]);
    expect(recorder.requests).toEqual([]);
    // Nothing was opened, so nothing was promoted either.
    expect(w.github.state.pulls).toEqual([]);
  });

  it("marks every argument that accepts a path or URL as server-side, but the reviewed names", () => {
    const unmarked: string[] = [];
    for (const tool of Object.values(TOOLS)) {
      const local = new Set(serverSideArgs(tool).map((a) => a.name));
      for (const [name, schema] of Object.entries(tool.input)) {
        const takesPath = ["/etc/passwd", "https://attacker.example/x.git"].some(
          (v) =>
            (schema as { safeParse(x: unknown): { success: boolean } }).safeParse(v).success ||
            (schema as { safeParse(x: unknown): { success: boolean } }).safeParse([v]).success,
        );
        if (takesPath && !local.has(name) && REVIEWED_STRINGS[name] === undefined && REVIEWED_STRINGS[`${tool.name}.${name}`] === undefined)
          unmarked.push(`${tool.name}.${name}`);
      }
    }
    expect(unmarked).toEqual([]);
  });
});

describe("over stdio, a person on their own machine", () => {
  it("still names a local GitOps repository and kubeconfig; a kubeconfig's YAML error names the file and line, not its lines", async () => {
    const client = await local();
    const history = structured<{ environments: Record<string, { commit: string }[]> }>(
      "ferry_history",
      await client.callTool({ name: "ferry_history", arguments: { component: "storefront/checkout-api", gitops: strayRepo, env: ["dev"] } }),
    );
    expect(strayCommits).toContain(history.environments.dev?.[0]?.commit);
    const status = structured<{ environments: { context?: string }[] }>(
      "ferry_status",
      await client.callTool({ name: "ferry_status", arguments: { env: ["dev"], kubeconfig: w.kubeconfig } }),
    );
    expect(status.environments.map((e) => e.context)).toEqual(["acme-dev"]);

    const broken = await client.callTool({ name: "ferry_status", arguments: { env: ["dev"], kubeconfig: secretKubeconfig } });
    expect(broken.isError).toBe(true);
    expect(textOf(broken)).toContain(`${secretKubeconfig}:5:2: not valid YAML (bad indentation of a sequence entry)`);
    expect(textOf(broken)).not.toContain(SECRET);
  });

  it("sends GITHUB_TOKEN to no host a call names: a gitops URL elsewhere is asked without it", async () => {
    const token = w.github.issueUserToken("pat");
    const client = await local({ GITHUB_TOKEN: token });
    const before = recorder.requests.length;
    const result = await client.callTool({
      name: "ferry_history",
      arguments: { component: "storefront/checkout-api", gitops: `${recorder.url}/acme/gitops.git`, env: ["dev"] },
    });
    expect(result.isError).toBe(true);
    const asked = recorder.requests.slice(before);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.map((r) => r.authorization)).toEqual(asked.map(() => undefined));
    expect(JSON.stringify(asked)).not.toContain(token);
    expect(JSON.stringify(asked)).not.toContain(Buffer.from(`x-access-token:${token}`).toString("base64"));
  });
});
