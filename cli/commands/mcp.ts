/** `ferry mcp`: the MCP server over stdio (mcp/server.ts) or Streamable HTTP (mcp/http.ts). */
import { mcpTokenTtlMs, serveMcpHttp } from "../../mcp/http.js";
import { serveStdio } from "../../mcp/server.js";
import { parse } from "../args.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";

export const mcp: Command = {
  help: `ferry mcp [APP_DIR...] [--platform DIR] [--allow-writes] [--http [--port N] [--host ADDR]]

Starts Ferry's MCP server for AI agents: tools to list and read components and environments,
validate, render, diff, read the release history, the clusters' status and drift, and resources
for the platform, each component and each kind's JSON Schema (docs/agents.md).

APP_DIR and --platform are the defaults the tools use when a call names no directories.

Over stdio (the default) with GITHUB_TOKEN set, the tools show only components of repositories
the token's person can read on GitHub; without a token they show everything on your disk.
Over HTTP (--http) every request needs "Authorization: Bearer <GitHub token>": the person is
learnt from GitHub (GITHUB_API_URL, else GITHUB_SERVER_URL/api/v3 on GitHub Enterprise, else
api.github.com) and the same filter applies; no token or a rejected one: 401. A token's person
is remembered for FERRY_MCP_TOKEN_TTL seconds (default 60, 0 to 3600): a token GitHub revokes
stops working within that time. Over HTTP no argument may name a file or address on this
machine (kubeconfig, gitops, branch, path, platform, apps): they are refused, and the tools use
APP_DIR, --platform, the platform's GitOps repositories and this machine's KUBECONFIG.

Options:
  --platform, -p DIR   platform repository checkout (holds .ferry/platform.yaml)
  --allow-writes       also offer the tools that write through GitHub (promote, roll back)
  --http               serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio
  --port N             HTTP port (default 8787; 0: any free port)
  --host ADDR          HTTP address to listen on (default 127.0.0.1)

Examples:
  ferry mcp . --platform ../platform
  claude mcp add ferry -- npx ferry mcp ~/src/acme --platform ~/src/acme/platform
  ferry mcp --http --port 8787 ~/src/acme --platform ~/src/acme/platform`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      platform: { type: "string", short: "p" },
      "allow-writes": { type: "boolean" },
      http: { type: "boolean" },
      port: { type: "string" },
      host: { type: "string" },
    });
    if (values.help) {
      io.stdout(`${mcp.help}\n`);
      return EXIT.ok;
    }
    const defaults = { apps: positionals, platform: values.platform };
    const allowWrites = values["allow-writes"] === true;
    if (!values.http) {
      if (values.port !== undefined || values.host !== undefined) throw new UsageError("--port and --host need --http");
      await serveStdio({ defaults, variables: io.env, allowWrites });
      return EXIT.ok;
    }
    const port = values.port === undefined ? 8787 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port must be a whole number from 0 to 65535");
    let ttlMs: number;
    try {
      ttlMs = mcpTokenTtlMs(io.env);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const server = await serveMcpHttp({ defaults, variables: io.env, allowWrites, ttlMs, host: values.host ?? "127.0.0.1", port });
    io.stderr(`ferry mcp: listening on ${server.url}\n`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await server.close();
    return EXIT.ok;
  },
};
