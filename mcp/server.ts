/**
 * Ferry's MCP server: the tools of `mcp/tools/` (one module each, registered in `TOOLS`) and the
 * resources of `mcp/resources.ts`, served to one caller whose context (defaults, variables, person,
 * access) is fixed for the server's life. A tool's thrown error becomes a tool result with
 * `isError`; the server keeps serving.
 *
 * Over HTTP the arguments that name files or addresses on the server's side (`serverSide`:
 * `kubeconfig`, `gitops`, `branch`, `path`, `platform`, `apps`, `against`) are left out of every
 * tool's listed input, and a call passing one is refused here, before any tool runs; a tool that
 * requires one is not served. Environments are named; their clusters and GitOps repositories come
 * from the server's platform and configuration.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { EVERYTHING } from "./access.js";
import { localContext, personContext, type ClientFor } from "./context.js";
import { registerResources } from "./resources.js";
import { listedTools } from "./tools/index.js";
import { SERVER_SIDE, type AnyTool, type ToolContext, type WorkspaceDefaults } from "./tools/tool.js";
import type { EnvironmentVariables } from "../operations/variables.js";

export const SERVER_INFO = { name: "ferry", version: "0.1.0" } as const;

/** Options of {@link createFerryMcpServer}. */
export interface FerryMcpServerOptions {
  /** The caller's context. @default no defaults, this process's environment, everything visible */
  readonly context?: ToolContext;
  /** List the write tools (`--allow-writes`). @default false */
  readonly allowWrites?: boolean;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One of a tool's arguments that names something on the server's side, and where a remote call takes it from instead. */
export interface ServerSideArg {
  readonly name: string;
  readonly instead: string;
  readonly required: boolean;
}

/** The arguments of `tool` marked `serverSide`, in input order. */
export function serverSideArgs(tool: AnyTool): ServerSideArg[] {
  const input = tool.input as z.ZodRawShape;
  return Object.entries(input).flatMap(([name, schema]) => {
    const meta = SERVER_SIDE.get(schema);
    return meta ? [{ name, instead: meta.instead, required: !z.safeParse(schema, undefined).success }] : [];
  });
}

/** What a remote caller may pass to `tool`: its input without the server-side arguments; undefined when it requires one (not served over HTTP). */
export function remoteInput(tool: AnyTool): z.ZodRawShape | undefined {
  const local = serverSideArgs(tool);
  if (local.some((a) => a.required)) return undefined;
  const names = new Set(local.map((a) => a.name));
  return Object.fromEntries(Object.entries(tool.input as z.ZodRawShape).filter(([name]) => !names.has(name)));
}

/** Over HTTP: the refusal of a call naming any server-side argument (every one named, in one message), or undefined. */
function refusal(tool: AnyTool, args: Record<string, unknown>, context: ToolContext): CallToolResult | undefined {
  if (context.transport !== "http") return undefined;
  const named = serverSideArgs(tool).filter((a) => Object.prototype.hasOwnProperty.call(args, a.name));
  if (named.length === 0) return undefined;
  const lines = named.map((a) => `${a.name}: not accepted over HTTP, it would name a file or address on Ferry's server; ${a.instead}`);
  return { content: [{ type: "text", text: `${tool.name}: refused, nothing was read:\n${lines.join("\n")}` }], isError: true };
}

/**
 * Runs a tool and shapes its answer; a thrown error becomes an `isError` result naming what was
 * wrong. Over HTTP a call naming a server-side argument is refused before the tool runs, and only
 * the arguments of its remote input reach it.
 */
export async function callTool(tool: AnyTool, args: Record<string, unknown>, context: ToolContext): Promise<CallToolResult> {
  const refused = refusal(tool, args, context);
  if (refused) return refused;
  if (context.transport === "http") {
    const allowed = remoteInput(tool);
    if (!allowed) {
      const needs = serverSideArgs(tool)
        .filter((a) => a.required)
        .map((a) => a.name);
      return {
        content: [{ type: "text", text: `${tool.name}: not served over HTTP: it needs ${needs.join(", ")}, which would name a file on Ferry's server` }],
        isError: true,
      };
    }
    args = Object.fromEntries(Object.entries(args).filter(([name]) => Object.prototype.hasOwnProperty.call(allowed, name)));
  }
  try {
    const result = await tool.run(args, context);
    return {
      content: [{ type: "text", text: result.text ?? JSON.stringify(result.structured, null, 2) }],
      structuredContent: result.structured as Record<string, unknown>,
      ...(result.isError ? { isError: true } : {}),
    };
  } catch (e) {
    return { content: [{ type: "text", text: `${tool.name}: ${message(e)}` }], isError: true };
  }
}

export function createFerryMcpServer(options: FerryMcpServerOptions = {}): McpServer {
  const context: ToolContext = options.context ?? { transport: "stdio", defaults: { apps: [] }, variables: process.env, access: EVERYTHING };
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: {}, resources: {} } });
  for (const tool of listedTools(options.allowWrites ?? false)) {
    // Over HTTP: the input without the server-side arguments, kept loose so that a call passing one reaches `callTool` and is refused by name.
    const remote = context.transport === "http" ? remoteInput(tool) : tool.input;
    if (remote === undefined) continue;
    const inputSchema = context.transport === "http" ? z.object(remote).loose() : remote;
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema, outputSchema: tool.output, annotations: tool.annotations },
      (args: Record<string, unknown>) => callTool(tool, args, context),
    );
  }
  registerResources(server, context);
  return server;
}

/** Options of {@link serveStdio}. */
export interface StdioOptions {
  readonly defaults: WorkspaceDefaults;
  /** With GITHUB_TOKEN, the tools see what the token's person sees; without, everything on disk. */
  readonly variables: EnvironmentVariables;
  readonly allowWrites?: boolean;
  readonly clientFor?: ClientFor;
}

/** Serves on stdin/stdout until the client goes away; `RejectedToken` when GitHub refuses GITHUB_TOKEN. */
export async function serveStdio(options: StdioOptions): Promise<void> {
  const token = options.variables.GITHUB_TOKEN;
  const context = token
    ? await personContext(token, options.defaults, options.variables, options.clientFor)
    : localContext(options.defaults, options.variables);
  const server = createFerryMcpServer({ context, allowWrites: options.allowWrites });
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport());
  await closed;
}
