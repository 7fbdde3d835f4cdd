/** ferry_validate: `ferry validate` (operations/validate.ts) on the app checkouts the caller sees. */
import { z } from "zod";
import { validateWorkspace } from "../../operations/validate.js";
import { DiagnosticOut, EnvironmentSummaryOut } from "../schemas.js";
import { WorkspaceArgs, workspaceInput } from "../workspace.js";
import { LOCAL_READ, defineTool } from "./tool.js";

export const validateTool = defineTool({
  name: "ferry_validate",
  title: "Validate components",
  description:
    "Check components against the platform: schemas, types, traits, dependencies and policies, rendering each environment in memory. " +
    "Returns every diagnostic with file, line, column and field; isError when any is an error.",
  input: WorkspaceArgs,
  output: {
    ok: z.boolean().describe("no diagnostic is an error"),
    diagnostics: z.array(DiagnosticOut),
    environments: z.array(EnvironmentSummaryOut),
    components: z.number().int().describe("components rendered"),
  },
  annotations: LOCAL_READ,
  writes: false,
  async run(args, context) {
    const input = await workspaceInput(args, context);
    if (!input) return { structured: { ok: true, diagnostics: [], environments: [], components: 0 } };
    const report = validateWorkspace(input);
    const structured = { ok: report.ok, diagnostics: report.diagnostics, environments: report.environments, components: report.components };
    return { structured, isError: !report.ok };
  },
});
