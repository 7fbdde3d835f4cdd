/** Set-up of the release and preview units: the app's platform and components loaded through the real loaders, and an empty environment. */
import { parseEnvironmentState } from "../../core/release/state.js";
import type { EnvironmentState } from "../../core/release/state.js";
import { catalogKey, loadApps } from "../../renderers/apps.js";
import { CelEngine } from "../../renderers/cel.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { loadPlatformSources } from "../../renderers/load.js";
import { buildPlatformBundle } from "../../core/platform-bundle.js";
import { loadBuiltins } from "../../templates/index.js";
import { platformYaml } from "./harness.js";

export function setup(components: Record<string, string>, platform = platformYaml(), platformFiles: Record<string, string> = {}) {
  const diagnostics: Diagnostic[] = [];
  const bundle = buildPlatformBundle(
    loadPlatformSources("acme/platform", new Map([[".ferry/platform.yaml", platform], ...Object.entries(platformFiles)]), diagnostics),
    loadBuiltins(),
    diagnostics,
  );
  if (!bundle) throw new Error(JSON.stringify(diagnostics));
  const apps = loadApps(bundle, [{ repo: "acme/shop-api", root: "", files: new Map(Object.entries(components)), sha: "a".repeat(40) }], diagnostics);
  const catalog = new Map(apps.map((c) => [catalogKey(c.release.metadata.project, c.release.metadata.component), c.component]));
  return { bundle, apps, catalog, diagnostics, cel: new CelEngine() };
}

export const EMPTY: EnvironmentState = parseEnvironmentState(new Map());
