/** ferry_diff: `ferry diff` (operations/diff.ts): a render in memory against a directory. */
import { changeReports, DiffInput, diffWorkspace } from "../../operations/diff.js";
import { z } from "zod";
import { sortDiagnostics } from "../../renderers/diagnostics.js";
import { DiagnosticOut } from "../schemas.js";
import { WorkspaceArgs, workspaceInput } from "../workspace.js";
import { LOCAL_READ, defineTool } from "./tool.js";

export const diffTool = defineTool({
  name: "ferry_diff",
  title: "Diff a render against a directory",
  description: "Render in memory and compare with a directory (a previous render or a GitOps checkout): added, changed and removed files with unified diffs.",
  input: { ...WorkspaceArgs, against: DiffInput.shape.against },
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
    return {
      structured: {
        ok: true,
        diagnostics: sortDiagnostics(r.diagnostics),
        added: d.added,
        changed: d.changed,
        removed: d.removed,
        changes: changeReports(d, { lines: true }).map((c) => ({ path: c.path, status: c.status, diff: c.diff })),
      },
    };
  },
});
