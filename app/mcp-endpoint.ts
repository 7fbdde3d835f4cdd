/**
 * Serves the MCP server (mcp/http.ts, given as `Deps.mcp` by the entry point, app/main.ts) at
 * `/mcp` on the app's own port, beside the webhooks and the portal. Every request carries its
 * caller's GitHub token; the handler checks it and applies the person's permissions.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunctionOptions } from "probot";
import type { Logger } from "probot";

/** A plain HTTP handler that answers every request given to it. */
export type McpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export const MCP_PATH = "/mcp";

/** Adds `/mcp` to Probot's server when a handler is given; logs why not otherwise. */
export function serveMcp(options: Partial<ApplicationFunctionOptions> | undefined, handler: McpHandler | undefined, logger: Logger): void {
  if (!handler) return logger.debug("no FERRY_MCP_PLATFORM: the MCP server at /mcp is not served");
  if (!options?.addHandler) return logger.debug("no HTTP server: the MCP server at /mcp is not served");
  options.addHandler(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== MCP_PATH) return false;
    await handler(req, res);
    return true;
  });
}
