/**
 * Ferry's MCP server: the offline operations as tools for AI agents and scripts (validate,
 * render in memory, diff against a directory, JSON Schemas). Read-only: no tool writes files,
 * pushes or talks to GitHub.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { sortDiagnostics } from "../renderers/diagnostics.js";
import { DiffInput, changeReports, diffWorkspace } from "../operations/diff.js";
import { renderWorkspace, summarizeEnvironments } from "../operations/render.js";
import { SchemaInput, jsonSchema } from "../operations/schema.js";
import { validateWorkspace } from "../operations/validate.js";
import { WorkspaceInput } from "../operations/workspace.js";

/** The workspace parameters every tool takes: at least one app directory, the platform, and which environments. */
const Workspace = {
  apps: z.array(z.string()).min(1).describe("app checkouts holding .ferry/, or directories with apps up to two levels below"),
  platform: WorkspaceInput.shape.platform,
  env: WorkspaceInput.shape.envs,
};

function workspace({ apps, platform, env }: { apps: string[]; platform: string; env?: string[] }): WorkspaceInput {
  return { apps, platform, envs: env ?? [] };
}

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
    guarded((args) => {
      const report = validateWorkspace(workspace(args));
      return json({ ok: report.ok, diagnostics: report.diagnostics, environments: report.environments }, !report.ok);
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
    guarded(({ path, ...args }) => {
      const r = renderWorkspace(workspace(args));
      if (!("result" in r) || !r.ok) return json({ ok: false, diagnostics: sortDiagnostics(r.diagnostics) }, true);
      if (path !== undefined) {
        const content = r.result.files.get(path);
        return content === undefined ? json({ error: `no rendered file ${path}` }, true) : { content: [{ type: "text", text: content }] };
      }
      return json({
        ok: true,
        environments: summarizeEnvironments(r.result),
        releases: r.result.releases.map((x) => x.metadata),
        files: [...r.result.files.keys()],
      });
    }),
  );

  server.registerTool(
    "ferry_diff",
    {
      description: "Render in memory and compare with a directory (a previous render or a GitOps checkout): added, changed, removed files with unified diffs.",
      inputSchema: { ...Workspace, against: DiffInput.shape.against },
    },
    guarded(({ against, ...args }) => {
      const r = diffWorkspace({ ...workspace(args), against });
      if (!r.ok) return json({ ok: false, diagnostics: sortDiagnostics(r.diagnostics) }, true);
      const d = r.diff;
      return json({ added: d.added, changed: d.changed, removed: d.removed, changes: changeReports(d, { lines: true }) });
    }),
  );

  server.registerTool(
    "ferry_schema",
    { description: "JSON Schema of a Ferry file kind.", inputSchema: SchemaInput.shape },
    guarded(({ kind }) => json(jsonSchema(kind))),
  );

  return server;
}
