/** The MCP resources: the platform, each component's spec and each kind's JSON Schema. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ToolContext } from "./tools/tool.js";

export function registerResources(server: McpServer, context: ToolContext): void {
  void server;
  void context;
}
