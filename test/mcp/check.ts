/** Checks shared by the MCP transport tests: a tool result is a success whose structuredContent matches the tool's output schema. */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { expect } from "vitest";
import { z } from "zod";
import { TOOLS } from "../../mcp/tools/index.js";

export type ToolCallResult = Awaited<ReturnType<Client["callTool"]>>;

export function textOf(result: ToolCallResult): string {
  return (result.content as { type: string; text: string }[]).map((c) => c.text).join("\n");
}

/** The structured result of a successful call, parsed with the tool's own output schema. */
export function structured<T = Record<string, unknown>>(name: string, result: ToolCallResult): T {
  expect(result.isError ?? false, textOf(result)).toBe(false);
  const tool = TOOLS[name];
  expect(tool).toBeDefined();
  const parsed = z.object(tool!.output).strict().safeParse(result.structuredContent);
  expect(parsed.error?.message).toBeUndefined();
  return result.structuredContent as T;
}

/** Calls every tool with its arguments and checks each result against its output schema; returns them by name. */
export async function callEvery(client: Client, calls: Record<string, Record<string, unknown>>): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, args] of Object.entries(calls)) out[name] = structured(name, await client.callTool({ name, arguments: args }));
  return out;
}
