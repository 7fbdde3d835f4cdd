/** ferry_graph: `ferry graph` (operations/graph.ts): components across projects and their dependencies, of the repositories the caller sees. */
import { z } from "zod";
import type { DependencyGraph } from "../../core/graph.js";
import { GraphFormat, formatGraph, graphWorkspace } from "../../operations/graph.js";
import { DiagnosticOut } from "../schemas.js";
import { appsArg, appsOfCall, PlatformArg, platformDir } from "../workspace.js";
import { LOCAL_READ, defineTool } from "./tool.js";

export const graphTool = defineTool({
  name: "ferry_graph",
  title: "Dependency graph",
  description:
    "Components across all projects as nodes (<project>/<component>, with type, repository and file) and dependencies as edges with their endpoint (type, port); " +
    "dependency cycles as warnings naming the cycle. `format` adds the graph as Mermaid or DOT text.",
  input: {
    apps: appsArg("app checkouts, or directories with apps up to two levels below; default: the server's APP_DIR arguments"),
    ...PlatformArg,
    format: GraphFormat.optional().describe("also return the graph as text in this format (mermaid, dot or json); default: mermaid"),
  },
  output: {
    ok: z.boolean().describe("the inputs have no error"),
    nodes: z.array(
      z.object({
        id: z.string(),
        project: z.string(),
        component: z.string(),
        type: z.string().optional(),
        repo: z.string().optional(),
        file: z.string().optional(),
        missing: z.literal(true).optional().describe("a dependency's target nobody declares"),
      }),
    ),
    edges: z.array(
      z.object({ from: z.string(), to: z.string(), endpoint: z.string(), endpointType: z.string().optional(), port: z.number().int().optional() }),
    ),
    cycles: z.array(z.array(z.string())),
    warnings: z.array(z.string()),
    diagnostics: z.array(DiagnosticOut),
  },
  annotations: LOCAL_READ,
  writes: false,
  async run(args, context) {
    const platform = platformDir(args, context);
    const apps = await appsOfCall(args, context);
    const report =
      apps.visible.length > 0
        ? graphWorkspace({ apps: apps.visible.map((a) => a.dir), platform })
        : { ok: true, graph: { nodes: [], edges: [], cycles: [] } satisfies DependencyGraph, warnings: [], diagnostics: [] };
    const graph = report.graph;
    const structured = {
      ok: report.ok,
      nodes: graph.nodes.map((n) => ({ ...n })),
      edges: graph.edges.map((e) => ({ ...e })),
      cycles: graph.cycles.map((c) => [...c]),
      warnings: [...report.warnings],
      diagnostics: [...report.diagnostics],
    };
    return { structured, text: formatGraph(graph, args.format ?? "mermaid"), isError: !report.ok };
  },
});
