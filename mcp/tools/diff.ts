/** ferry_diff: `ferry diff` (operations/diff.ts): a render in memory against a directory. */
import { changeReports, DiffInput, diffWorkspace } from "../../operations/diff.js";
import { z } from "zod";
import { sortDiagnostics } from "../../renderers/diagnostics.js";
import { DiagnosticOut } from "../schemas.js";
import { key, visibleComponents } from "../components.js";
import { WorkspaceArgs, workspaceInput } from "../workspace.js";
import { LOCAL_READ, defineTool, serverSide, type ToolContext } from "./tool.js";

/** `<project>/<component>` of a rendered path (`releases/<p>/<c>/...`, `environments/<env>/<p>/<c>/...`), undefined for others (namespaces). */
function componentOfPath(path: string): string | undefined {
  const parts = path.split("/");
  if (parts[0] === "releases" && parts.length >= 4) return `${parts[1]}/${parts[2]}`;
  if (parts[0] === "environments" && parts.length >= 5) return `${parts[2]}/${parts[3]}`;
  return undefined;
}

/** Which changed paths the caller may see: all without a filter; else namespaces and the components of the checkouts they see. */
async function shownPaths(args: WorkspaceArgs, context: ToolContext): Promise<(path: string) => boolean> {
  if (context.access.everything) return () => true;
  const { components } = await visibleComponents(args, context);
  const seen = new Set(components.map(key));
  return (path) => {
    const component = componentOfPath(path);
    return component === undefined || seen.has(component);
  };
}

export const diffTool = defineTool({
  name: "ferry_diff",
  title: "Diff a render against a directory",
  description: "Render in memory and compare with a directory (a previous render or a GitOps checkout): added, changed and removed files with unified diffs.",
  input: {
    ...WorkspaceArgs,
    against: serverSide(
      z.string().describe(DiffInput.shape.against.description ?? ""),
      "ferry_diff compares with a directory on the caller's own disk: run it over stdio",
    ),
  },
  output: {
    ok: z.boolean(),
    diagnostics: z.array(DiagnosticOut),
    added: z.number().int(),
    changed: z.number().int(),
    removed: z.number().int(),
    changes: z.array(z.object({ path: z.string(), status: z.enum(["added", "changed", "removed"]), diff: z.string().optional() })),
  },
  annotations: LOCAL_READ,
  writes: false,
  async run({ against, ...args }, context) {
    const input = await workspaceInput(args, context);
    const empty = { ok: true, diagnostics: [], added: 0, changed: 0, removed: 0, changes: [] };
    if (!input) return { structured: empty };
    const r = diffWorkspace({ ...input, against });
    if (!r.ok) return { structured: { ...empty, ok: false, diagnostics: sortDiagnostics(r.diagnostics) }, isError: true };
    const d = r.diff;
    const shown = await shownPaths(args, context);
    const changes = changeReports(d, { lines: true }).filter((c) => shown(c.path));
    const count = (status: string) => changes.filter((c) => c.status === status).length;
    return {
      structured: {
        ok: true,
        diagnostics: sortDiagnostics(r.diagnostics),
        added: count("added"),
        changed: count("changed"),
        removed: count("removed"),
        changes: changes.map((c) => ({ path: c.path, status: c.status, diff: c.diff })),
      },
    };
  },
});
