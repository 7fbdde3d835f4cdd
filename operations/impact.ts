/**
 * Impact: what a change of app checkouts does to the components consuming their endpoints.
 *
 * `against` names the apps before the change, laid out like the APP_DIR arguments (an app
 * checkout, or a directory with apps up to two levels below; each app's repository from its git
 * origin, else its last two path segments). The apps after the change are `against` with every
 * repository that `apps` holds replaced by the checkout in `apps`; the other repositories stay
 * as `against` has them.
 */
import { z } from "zod";
import type { Diagnostic } from "../renderers/diagnostics.js";
import { hasErrors } from "../renderers/diagnostics.js";
import { computeImpact, impactDiagnostics } from "../core/impact.js";
import type { Impact, ImpactComponent } from "../core/impact.js";
import { overlayRepositories, readAppComponents } from "./app-components.js";
import { loadPlatformDir } from "./workspace.js";

export const ImpactInput = z.object({
  apps: z.array(z.string()).describe("app checkouts after the change; none: the current directory"),
  platform: z.string().describe("platform repository checkout (holds .ferry/platform.yaml)"),
  against: z.string().describe("the apps before the change: an app checkout or a directory with apps up to two levels below"),
  repo: z.string().optional().describe("owner/name of the app (one app directory only); default: its git origin, else its last two path segments"),
});
export type ImpactInput = Readonly<z.infer<typeof ImpactInput>>;

/** Both sides of a change, read from disk. */
export interface ChangeSides {
  readonly before: readonly ImpactComponent[];
  readonly after: readonly ImpactComponent[];
}

/** Reads the apps before (`against`) and after (`against` overlaid with `apps`) the change. */
export function readChangeSides(apps: readonly string[], against: string, repo: string | undefined, diagnostics: Diagnostic[]): ChangeSides {
  const before = readAppComponents([against], undefined, []);
  const after = overlayRepositories(before, readAppComponents(apps, repo, diagnostics));
  return { before, after };
}

export interface ImpactReport {
  /** No input error and no consumer in another repository broken. */
  readonly ok: boolean;
  readonly impact: Impact;
  /** Input problems, and one error per consumer in another repository the change breaks. */
  readonly diagnostics: readonly Diagnostic[];
}

export function impactWorkspace(input: ImpactInput): ImpactReport {
  const diagnostics: Diagnostic[] = [];
  loadPlatformDir(input.platform, diagnostics);
  const { before, after } = readChangeSides(input.apps, input.against, input.repo, diagnostics);
  const impact = computeImpact(before, after);
  diagnostics.push(...impactDiagnostics(impact, after));
  return { ok: !hasErrors(diagnostics), impact, diagnostics };
}
