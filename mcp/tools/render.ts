/** ferry_render: `ferry render` in memory (operations/render.ts): the summary and file list, or one file's content. */
import { z } from "zod";
import { sortDiagnostics } from "../../renderers/diagnostics.js";
import { renderWorkspace, summarizeEnvironments } from "../../operations/render.js";
import { UsageError } from "../../operations/errors.js";
import { DiagnosticOut, EnvironmentSummaryOut } from "../schemas.js";
import { WorkspaceArgs, workspaceInput } from "../workspace.js";
import { LOCAL_READ, defineTool } from "./tool.js";

export const renderTool = defineTool({
  name: "ferry_render",
  title: "Render manifests",
  description:
    "Render components in memory (nothing is written). Returns the per-environment summary, the releases and the list of files; " +
    "pass `path` to get one file's content too.",
  input: {
    ...WorkspaceArgs,
    path: z.string().optional().describe("a rendered file path, e.g. environments/dev/<project>/<component>/deployment-<name>.yaml"),
  },
  output: {
    ok: z.boolean(),
    diagnostics: z.array(DiagnosticOut),
    environments: z.array(EnvironmentSummaryOut),
    releases: z.array(
      z.object({
        name: z.string(),
        project: z.string(),
        component: z.string(),
        source: z.object({ repo: z.string(), file: z.string() }).optional().describe("the repository and file the component was declared in"),
      }),
    ),
    files: z.array(z.string()),
    path: z.string().optional(),
    content: z.string().optional().describe("the content of `path`"),
  },
  annotations: LOCAL_READ,
  writes: false,
  async run({ path, ...args }, context) {
    const input = await workspaceInput(args, context);
    const empty = { ok: true, diagnostics: [], environments: [], releases: [], files: [] };
    if (!input) {
      if (path !== undefined) throw new UsageError(`path: no rendered file ${path}`);
      return { structured: empty };
    }
    const r = renderWorkspace(input);
    if (!("result" in r) || !r.ok) return { structured: { ...empty, ok: false, diagnostics: sortDiagnostics(r.diagnostics) }, isError: true };
    const structured = {
      ok: true,
      diagnostics: sortDiagnostics(r.diagnostics),
      environments: summarizeEnvironments(r.result),
      releases: r.result.releases.map((x) => x.metadata),
      files: [...r.result.files.keys()],
    };
    if (path === undefined) return { structured };
    const content = r.result.files.get(path);
    if (content === undefined) throw new UsageError(`path: no rendered file ${path}`);
    return { structured: { ...structured, path, content }, text: content };
  },
});
