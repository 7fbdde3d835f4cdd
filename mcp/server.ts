/**
 * Ferry's MCP server: the tools of `mcp/tools/` (one module each, registered in `TOOLS`) and the
 * resources of `mcp/resources.ts`, served to one caller whose context (defaults, variables, person,
 * access) is fixed for the server's life. A tool's thrown error becomes a tool result with
 * `isError`; the server keeps serving.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { EVERYTHING } from "./access.js";
import { localContext, personContext, type ClientFor } from "./context.js";
import { registerResources } from "./resources.js";
import { listedTools } from "./tools/index.js";
import type { AnyTool, ToolContext, WorkspaceDefaults } from "./tools/tool.js";
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

/** Runs a tool and shapes its answer; a thrown error becomes an `isError` result naming what was wrong. */
export async function callTool(tool: AnyTool, args: Record<string, unknown>, context: ToolContext): Promise<CallToolResult> {
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
  const context: ToolContext = options.context ?? { defaults: { apps: [] }, variables: process.env, access: EVERYTHING };
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: {}, resources: {} } });
  for (const tool of listedTools(options.allowWrites ?? false)) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.input, outputSchema: tool.output, annotations: tool.annotations },
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
