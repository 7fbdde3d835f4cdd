import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createFerryMcpServer } from "../../mcp/server.js";
import { parse } from "../args.js";
import type { Command } from "../io.js";
import { EXIT } from "../io.js";

export const mcp: Command = {
  help: `ferry mcp

Starts an MCP server on stdin/stdout with the tools ferry_validate, ferry_render,
ferry_diff and ferry_schema (read-only: nothing is written or pushed).

Examples:
  ferry mcp
  claude mcp add ferry -- npx ferry mcp`,
  async run(argv, io) {
    const { values } = parse(argv, {});
    if (values.help) {
      io.stdout(`${mcp.help}\n`);
      return EXIT.ok;
    }
    const server = createFerryMcpServer();
    await server.connect(new StdioServerTransport());
    await new Promise<void>((resolve) => {
      server.server.onclose = () => resolve();
    });
    return EXIT.ok;
  },
};
