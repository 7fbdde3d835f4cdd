/** ferry_list_components: the components of the app checkouts the caller sees. */
import { z } from "zod";
import { visibleComponents, summary } from "../components.js";
import { ComponentSummaryOut, DiagnosticOut } from "../schemas.js";
import { PlatformArg } from "../workspace.js";
import { WorkspaceArgs } from "../workspace.js";
import { LOCAL_READ, defineTool } from "./tool.js";

export const listComponentsTool = defineTool({
  name: "ferry_list_components",
  title: "List components",
  description:
    "The components declared in the app checkouts (.ferry/*.yaml) that the caller may see: project, name, repository, type, file and release id. " +
    "Components with errors are left out and their diagnostics returned.",
  input: { apps: WorkspaceArgs.apps, ...PlatformArg, project: z.string().optional().describe("only this project's components") },
  output: { components: z.array(ComponentSummaryOut), diagnostics: z.array(DiagnosticOut) },
  annotations: LOCAL_READ,
  writes: false,
  async run({ project, ...args }, context) {
    const { components, diagnostics } = await visibleComponents(args, context);
    const listed = components.filter((c) => project === undefined || c.component.metadata.project === project).map(summary);
    return { structured: { components: listed, diagnostics } };
  },
});
