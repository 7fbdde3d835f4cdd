/** Output pieces several tools share, as zod schemas (the tools' `output` shapes are built from them). */
import { z } from "zod";

/** A located finding: file, line, column and field (renderers/diagnostics.ts `Diagnostic`). */
export const DiagnosticOut = z.object({
  severity: z.enum(["error", "warning"]),
  file: z.string(),
  line: z.number().int().describe("1-based; 0 for a whole file or a rendered object"),
  column: z.number().int().describe("1-based; 0 when unknown"),
  field: z.string().describe("dotted field path, e.g. spec.endpoints.http.port"),
  message: z.string(),
  code: z.string(),
  component: z.string().optional(),
  environment: z.string().optional(),
  resource: z.string().optional(),
  policy: z.string().optional(),
});

/** One environment's share of a render (operations/render.ts `EnvironmentSummary`). */
export const EnvironmentSummaryOut = z.object({
  environment: z.string(),
  components: z.number().int(),
  objects: z.number().int(),
  warnings: z.number().int(),
  errors: z.number().int(),
});

/** A component as lists show it. */
export const ComponentSummaryOut = z.object({
  project: z.string(),
  name: z.string(),
  repo: z.string().describe("owner/name of the app repository it comes from"),
  type: z.string().describe("its ComponentType"),
  file: z.string().describe("the .ferry/ file that declares it"),
  release: z.string().describe("the id of the release its current files cut"),
});
