/**
 * ferry_impact: `ferry impact` (operations/impact.ts): the consumers a change of endpoints reaches.
 * Consumers in repositories the caller cannot read are counted, not named.
 */
import { z } from "zod";
import { impactWorkspace } from "../../operations/impact.js";
import { visible } from "../access.js";
import { DiagnosticOut } from "../schemas.js";
import { appsArg, appsOfCall, PlatformArg, platformDir } from "../workspace.js";
import { LOCAL_READ, defineTool, serverSide } from "./tool.js";

const ChangeOut = z.object({
  kind: z.enum(["removed", "renamed", "retyped", "port", "hidden"]),
  provider: z.string().describe("<project>/<component>"),
  endpoint: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
});

export const impactTool = defineTool({
  name: "ferry_impact",
  title: "Impact of a change",
  description:
    "Compares the apps before a change (`against`) with the app checkouts after it and lists each endpoint removed, renamed, retyped, moved to another port or hidden by visibility, " +
    "with the consumers still using it (file, line, field); a consumer in another repository whose dependency breaks is an error.",
  input: {
    apps: appsArg("app checkouts after the change; default: the server's APP_DIR arguments"),
    ...PlatformArg,
    against: serverSide(
      z.string().describe("the apps before the change: an app checkout or a directory with apps up to two levels below"),
      "ferry_impact compares with app checkouts on the caller's own disk: run it over stdio",
    ),
  },
  output: {
    ok: z.boolean().describe("no input error and no consumer in another repository broken"),
    changes: z.array(ChangeOut),
    affected: z.array(
      z.object({
        change: ChangeOut,
        consumer: z.string(),
        repo: z.string().optional(),
        at: z.object({ file: z.string().optional(), line: z.number().int(), column: z.number().int(), field: z.string() }),
        otherRepository: z.boolean(),
        breaking: z.boolean(),
      }),
    ),
    hiddenConsumers: z.number().int().describe("affected consumers in repositories the caller cannot read"),
    diagnostics: z.array(DiagnosticOut),
  },
  annotations: LOCAL_READ,
  writes: false,
  async run(args, context) {
    const platform = platformDir(args, context);
    const apps = await appsOfCall(args, context);
    if (apps.visible.length === 0) return { structured: { ok: true, changes: [], affected: [], hiddenConsumers: 0, diagnostics: [] } };
    const report = impactWorkspace({ apps: apps.visible.map((a) => a.dir), platform, against: args.against });
    const shown = await visible(context.access, report.impact.affected, (a) => a.repo ?? "");
    const hidden = report.impact.affected.filter((a) => !shown.includes(a));
    // An error naming a consumer the caller cannot see is counted in `hiddenConsumers`, not shown.
    const diagnostics = report.diagnostics.filter((d) => !hidden.some((a) => d.message.includes(a.consumer)));
    const structured = {
      ok: report.ok,
      changes: report.impact.changes.map((c) => ({ ...c })),
      affected: shown.map((a) => ({ ...a, change: { ...a.change }, at: { ...a.at } })),
      hiddenConsumers: hidden.length,
      diagnostics,
    };
    return { structured, isError: !report.ok };
  },
});
