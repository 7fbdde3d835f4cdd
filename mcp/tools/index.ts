/**
 * Every MCP tool, by name. Add a tool: a module `mcp/tools/<name>.ts` exporting a `FerryTool`
 * (`defineTool`), then one line here (CONTRIBUTING.md, "An MCP tool").
 */
import { costTool } from "./cost.js";
import { diagnoseTool } from "./diagnose.js";
import { diffTool } from "./diff.js";
import { doraTool } from "./dora.js";
import { driftTool } from "./drift.js";
import { getComponentTool } from "./get-component.js";
import { graphTool } from "./graph.js";
import { historyTool } from "./history.js";
import { impactTool } from "./impact.js";
import { listComponentsTool } from "./list-components.js";
import { listEnvironmentsTool } from "./list-environments.js";
import { promoteTool } from "./promote.js";
import { previewsTool } from "./previews.js";
import { promotionsTool } from "./promotions.js";
import { rollbackTool } from "./rollback.js";
import { renderTool } from "./render.js";
import { schemaTool } from "./schema.js";
import { signalsTool } from "./signals.js";
import { statusTool } from "./status.js";
import type { AnyTool } from "./tool.js";
import { validateTool } from "./validate.js";

export const TOOLS: Readonly<Record<string, AnyTool>> = {
  [listComponentsTool.name]: listComponentsTool,
  [getComponentTool.name]: getComponentTool,
  [listEnvironmentsTool.name]: listEnvironmentsTool,
  [validateTool.name]: validateTool,
  [renderTool.name]: renderTool,
  [diffTool.name]: diffTool,
  [schemaTool.name]: schemaTool,
  [historyTool.name]: historyTool,
  [statusTool.name]: statusTool,
  [signalsTool.name]: signalsTool,
  [diagnoseTool.name]: diagnoseTool,
  [driftTool.name]: driftTool,
  [doraTool.name]: doraTool,
  [costTool.name]: costTool,
  [graphTool.name]: graphTool,
  [impactTool.name]: impactTool,
  [previewsTool.name]: previewsTool,
  [promotionsTool.name]: promotionsTool,
  [promoteTool.name]: promoteTool,
  [rollbackTool.name]: rollbackTool,
};

/** The tools a server lists: the write tools only when it runs with `--allow-writes`. */
export function listedTools(allowWrites: boolean): AnyTool[] {
  return Object.values(TOOLS).filter((t) => allowWrites || !t.writes);
}
