/** ferry_get_component: one component's spec as declared, where it is, and the release its files cut. */
import { z } from "zod";
import { UsageError } from "../../operations/errors.js";
import { key, summary, visibleComponents } from "../components.js";
import { ComponentSummaryOut, DiagnosticOut } from "../schemas.js";
import { PlatformArg, WorkspaceArgs } from "../workspace.js";
import { LOCAL_READ, defineTool } from "./tool.js";

export const ComponentName = z
  .string()
  .regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, { error: "must be <project>/<component>" })
  .describe("<project>/<component>, e.g. storefront/checkout-api");

export const getComponentTool = defineTool({
  name: "ferry_get_component",
  title: "Get a component",
  description:
    "One component: its Component document as loaded (defaults filled in), its repository and file, its release id and the component types' and traits' names it uses.",
  input: { component: ComponentName, apps: WorkspaceArgs.apps, ...PlatformArg },
  output: {
    ...ComponentSummaryOut.shape,
    traits: z.array(z.string()),
    dependencies: z.array(z.string()).describe("<project>/<component>:<endpoint> of each dependency"),
    spec: z.record(z.string(), z.unknown()).describe("the Component document"),
    diagnostics: z.array(DiagnosticOut).describe("findings in its file"),
  },
  annotations: LOCAL_READ,
  writes: false,
  async run({ component, ...args }, context) {
    const { components, diagnostics } = await visibleComponents(args, context);
    const found = components.find((c) => key(c) === component);
    if (!found) {
      const own = diagnostics.filter((d) => d.severity === "error" && d.file.length > 0);
      const why = own.length > 0 ? ` (some components did not load: ${own.length} error${own.length === 1 ? "" : "s"}; see ferry_validate)` : "";
      throw new UsageError(`component: no component ${component} in the app checkouts you can see${why}`);
    }
    const { project } = found.component.metadata;
    return {
      structured: {
        ...summary(found),
        traits: found.component.spec.traits.map((t) => t.type),
        dependencies: found.component.spec.dependencies.map((d) => `${d.project ?? project}/${d.component}:${d.endpoint}`),
        spec: found.component as unknown as Record<string, unknown>,
        diagnostics: diagnostics.filter((d) => d.file === found.source.file),
      },
    };
  },
});
