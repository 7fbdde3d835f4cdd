/**
 * Ferry's MCP server over Streamable HTTP (stateless: one server per request). Every request
 * needs `Authorization: Bearer <GitHub token>`: the token's person is learnt from GitHub
 * (`GET /user`) and every tool sees only the repositories GitHub lets them read. No token, or one
 * GitHub rejects: 401 and nothing runs. A token's person and roles are remembered for at most
 * FERRY_MCP_TOKEN_TTL seconds (default 60; 0: GitHub is asked on every request), so a token
 * GitHub revokes stops working within that time; a rejected token is never remembered. The
 * tools run with `transport: "http"`: no argument may name a file or address on the server
 * (mcp/server.ts).
 *
 * `mcpHttpHandler` is a plain `(req, res)` handler: `ferry mcp --http` serves it at `/mcp`, and
 * the app can mount it beside its webhooks.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";
import { RejectedToken } from "../adapters/github/people.js";
import type { EnvironmentVariables } from "../operations/variables.js";
import { defaultClientFor, personContext, type ClientFor } from "./context.js";
import { createFerryMcpServer } from "./server.js";
import type { ToolContext, WorkspaceDefaults } from "./tools/tool.js";

/** Options of {@link mcpHttpHandler}. */
export interface McpHttpOptions {
  readonly defaults: WorkspaceDefaults;
  /** GITHUB_API_URL / GITHUB_SERVER_URL (where tokens are checked), KUBECONFIG, FERRY_CACHE_DIR... */
  readonly variables: EnvironmentVariables;
  /** List the write tools. @default false */
  readonly allowWrites?: boolean;
  /** How a token reaches GitHub. @default a REST client on the API URL of `variables` */
  readonly clientFor?: ClientFor;
  /** How long a token's person (and their roles) is remembered. @default FERRY_MCP_TOKEN_TTL of `variables` in milliseconds, else 60000 */
  readonly ttlMs?: number;
  /** Tokens remembered at most. @default 1000 */
  readonly maxTokens?: number;
  readonly now?: () => number;
}

type Known = { readonly context: Promise<ToolContext | "rejected">; readonly until: number };

/** FERRY_MCP_TOKEN_TTL: whole seconds a token's person is remembered, 0 to 3600. */
export const McpTokenTtl = z.coerce.number().int().min(0).max(3600);

/** How long a token's person is remembered, in milliseconds: FERRY_MCP_TOKEN_TTL (seconds), default 60 s; an Error naming the variable when it is not 0 to 3600. */
export function mcpTokenTtlMs(variables: EnvironmentVariables): number {
  const raw = variables.FERRY_MCP_TOKEN_TTL;
  if (raw === undefined || raw.trim() === "") return 60_000;
  const parsed = McpTokenTtl.safeParse(raw.trim());
  if (!parsed.success) throw new Error(`FERRY_MCP_TOKEN_TTL: must be a whole number of seconds from 0 to 3600, got ${JSON.stringify(raw)}`);
  return parsed.data * 1000;
}

/** The bearer token of a request, or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? "";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

function answer(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32001, message }, id: null }));
}

const UNAUTHORIZED = { "www-authenticate": 'Bearer realm="ferry", error="invalid_token"' };

export function mcpHttpHandler(options: McpHttpOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const clientFor = options.clientFor ?? defaultClientFor(options.variables);
  const ttl = options.ttlMs ?? mcpTokenTtlMs(options.variables);
  const max = options.maxTokens ?? 1000;
  const now = options.now ?? (() => Date.now());
  const known = new Map<string, Known>();

  const contextFor = (token: string): Promise<ToolContext | "rejected"> => {
    const t = now();
    const hit = known.get(token);
    if (hit && hit.until > t) return hit.context;
    known.delete(token);
    // Forgotten as soon as GitHub rejects the token or cannot be asked: only an accepted token is remembered.
    const forget = () => {
      if (known.get(token) === entry) known.delete(token);
    };
    const context = personContext(token, options.defaults, options.variables, clientFor, "http").catch((e: unknown) => {
      forget();
      if (e instanceof RejectedToken) return "rejected" as const;
      throw e;
    });
    const entry: Known = { context, until: t + ttl };
    if (ttl > 0) known.set(token, entry);
    while (known.size > max) known.delete(known.keys().next().value as string);
    return context;
  };

  return async (req, res) => {
    const token = bearerToken(req);
    if (token === undefined) return answer(res, 401, "Authorization: Bearer <GitHub token> required", UNAUTHORIZED);
    let context: ToolContext | "rejected";
    try {
      context = await contextFor(token);
    } catch (e) {
      return answer(res, 502, `cannot ask GitHub who the token belongs to: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (context === "rejected") return answer(res, 401, "GitHub rejected the token", UNAUTHORIZED);
    if (req.method !== "POST") return answer(res, 405, "this MCP server is stateless: POST only", { allow: "POST" });

    const server = createFerryMcpServer({ context, allowWrites: options.allowWrites });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };
}

/** A running `ferry mcp --http`. */
export interface McpHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves {@link mcpHttpHandler} at `/mcp` on `host:port` (port 0: any free port). */
export async function serveMcpHttp(options: McpHttpOptions & { readonly host: string; readonly port: number }): Promise<McpHttpServer> {
  const handler = mcpHttpHandler(options);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/mcp") return answer(res, 404, "not found: the MCP endpoint is /mcp");
    handler(req, res).catch((e: unknown) => {
      if (!res.headersSent) answer(res, 500, e instanceof Error ? e.message : String(e));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
