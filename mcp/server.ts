/**
 * Ferry's MCP server: the CLI's offline operations as tools for AI agents and scripts
 * (validate, render in memory, diff against a directory, JSON Schemas). Read-only: no tool
 * writes files, pushes or talks to GitHub.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { changeDiff, diffTrees } from "../renderers/diff.js";
import { sortDiagnostics } from "../renderers/diagnostics.js";
import { KINDS } from "../renderers/model/index.js";
import { loadAndRender, summarize } from "../cli/commands/render.js";
import { jsonSchema } from "../cli/commands/schema.js";
import { readTree } from "../adapters/fs/files.js";

const Workspace = {
  apps: z.array(z.string()).min(1).describe("app checkouts holding .ferry/, or directories with apps up to two levels below"),
  platform: z.string().describe("platform repository checkout (holds .ferry/platform.yaml)"),
  env: z.array(z.string()).optional().describe("only these environments; default all"),
};

function json(value: unknown, isError = false): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }], isError };
}

/** Runs a tool body, turning thrown errors (bad paths, usage) into tool errors the agent can read. */
function guarded<A>(fn: (args: A) => CallToolResult): (args: A) => CallToolResult {
  return (args) => {
    try {
      return fn(args);
    } catch (e) {
      return json({ error: e instanceof Error ? e.message : String(e) }, true);
    }
  };
}

export function createFerryMcpServer(): McpServer {
  const server = new McpServer({ name: "ferry", version: "0.1.0" });

  server.registerTool(
    "ferry_validate",
    {
      description:
        "Check components against the platform: schemas, types, traits, dependencies and policies. Returns every diagnostic with file, line, column and field.",
      inputSchema: Workspace,
    },
    guarded(({ apps, platform, env }) => {
      const r = loadAndRender({ platform, env }, apps);
      return json({ ok: r.ok, diagnostics: sortDiagnostics(r.diagnostics), environments: "result" in r ? summarize(r.result) : [] }, !r.ok);
    }),
  );

  server.registerTool(
    "ferry_render",
    {
      description: "Render components in memory. Returns the per-environment summary and the list of files; pass `path` to get one file's content.",
      inputSchema: {
        ...Workspace,
        path: z.string().optional().describe("a rendered file path, e.g. environments/dev/<project>/<component>/deployment-<name>.yaml"),
      },
    },
    guarded(({ apps, platform, env, path }) => {
      const r = loadAndRender({ platform, env }, apps);
      if (!("result" in r) || !r.ok) return json({ ok: false, diagnostics: sortDiagnostics(r.diagnostics) }, true);
      if (path !== undefined) {
        const content = r.result.files.get(path);
        return content === undefined ? json({ error: `no rendered file ${path}` }, true) : { content: [{ type: "text", text: content }] };
      }
      return json({ ok: true, environments: summarize(r.result), releases: r.result.releases.map((x) => x.metadata), files: [...r.result.files.keys()] });
    }),
  );

  server.registerTool(
    "ferry_diff",
    {
      description: "Render in memory and compare with a directory (a previous render or a GitOps checkout): added, changed, removed files with unified diffs.",
      inputSchema: { ...Workspace, against: z.string() },
    },
    guarded(({ apps, platform, env, against }) => {
      const r = loadAndRender({ platform, env }, apps);
      if (!("result" in r) || !r.ok) return json({ ok: false, diagnostics: sortDiagnostics(r.diagnostics) }, true);
      const envs = new Set(r.ws.environments.map((e) => e.name));
      const before = new Map([...readTree(against)].filter(([p]) => p.startsWith("releases/") || envs.has(p.split("/")[1] ?? "")));
      const d = diffTrees(before, r.result.files);
      return json({
        added: d.added,
        changed: d.changed,
        removed: d.removed,
        changes: d.changes.map((c) => ({ path: c.path, status: c.status, diff: changeDiff(c) })),
      });
    }),
  );

  server.registerTool(
    "ferry_schema",
    { description: "JSON Schema of a Ferry file kind.", inputSchema: { kind: z.enum([...(Object.keys(KINDS) as [string, ...string[]]), "Release"]) } },
    guarded(({ kind }) => json(jsonSchema(kind))),
  );

  return server;
}
