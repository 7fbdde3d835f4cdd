/**
 * Render benchmark: an org of 1,000 components rendered for 3 environments, against
 *  - the floor: the same plain objects serialized with js-yaml's `dump` (sorted keys), the fastest
 *    well-kept YAML emitter we measured, called directly (not through Ferry's own code), and
 *  - the same org rendered for 1 environment (1,000 component-environments), for scaling.
 * Prints wall times, peak memory and the ratios measured in this run.
 */
import { pathToFileURL } from "node:url";
import { CelEngine } from "../renderers/cel.js";
import { dump } from "js-yaml";
import { hasErrors, formatDiagnostic } from "../renderers/diagnostics.js";
import { catalogKey, loadApps } from "../renderers/apps.js";
import { loadPlatformSources } from "../renderers/load.js";
import type { Diagnostic } from "../renderers/diagnostics.js";
import { buildPlatformBundle } from "../core/platform-bundle.js";
import { renderApps } from "../core/render.js";
import type { RenderResult } from "../core/render.js";
import { loadBuiltins } from "../templates/index.js";
import { generateOrg } from "./org.js";

export function renderOrg(components: number, envNames: readonly string[]): { result: RenderResult; ms: number } {
  const org = generateOrg(components);
  const start = performance.now();
  const diagnostics: Diagnostic[] = [];
  const bundle = buildPlatformBundle(loadPlatformSources("platform", org.platformFiles, diagnostics), loadBuiltins(), diagnostics);
  if (!bundle) throw new Error(`bench platform invalid:\n${diagnostics.map(formatDiagnostic).join("\n")}`);
  const comps = loadApps(bundle, org.apps, diagnostics);
  const catalog = new Map(comps.map((c) => [catalogKey(c.release.metadata.project, c.release.metadata.component), c.component]));
  const envs = bundle.platform.spec.environments.filter((e) => envNames.includes(e.name));
  const result = renderApps(bundle, comps, catalog, envs, new CelEngine());
  const ms = performance.now() - start;
  const all = [...diagnostics, ...result.diagnostics];
  if (hasErrors(all))
    throw new Error(
      `bench org has errors:\n${all
        .filter((d) => d.severity === "error")
        .slice(0, 10)
        .map(formatDiagnostic)
        .join("\n")}`,
    );
  return { result, ms };
}

/** Serializes the same objects, as plain data, with js-yaml's dump and sorted keys. */
function floor(result: RenderResult): number {
  const objects = result.rendered.flatMap((r) => structuredClone(r.objects));
  const start = performance.now();
  let bytes = 0;
  for (const obj of objects) bytes += dump(obj, { sortKeys: true, lineWidth: -1, noRefs: true }).length;
  const ms = performance.now() - start;
  if (bytes === 0) throw new Error("floor serialized nothing");
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function runRenderBench(log: (line: string) => void = console.log, runs = 3): Promise<{ ratioVsFloor: number; ratioScaling: number }> {
  renderOrg(50, ["dev"]); // warm up module loading and JIT
  const t3: number[] = [];
  const t1: number[] = [];
  const f: number[] = [];
  let objects = 0;
  let files = 0;
  for (let i = 0; i < runs; i++) {
    const one = renderOrg(1000, ["dev"]);
    t1.push(one.ms);
    const three = renderOrg(1000, ["dev", "staging", "prod"]);
    t3.push(three.ms);
    f.push(floor(three.result));
    objects = three.result.rendered.reduce((n, r) => n + r.objects.length, 0);
    files = three.result.files.size;
  }
  const peak = process.resourceUsage().maxRSS / 1024;
  const whole = median(t3);
  const ratioVsFloor = whole / median(f);
  const ratioScaling = whole / median(t1);
  log(`render: 1,000 components x 3 environments = 3,000 component-environments, ${objects} objects, ${files} files (median of ${runs})`);
  log(`  whole render            ${whole.toFixed(0).padStart(7)} ms`);
  log(`  floor (plain + yaml)    ${median(f).toFixed(0).padStart(7)} ms   ratio ${ratioVsFloor.toFixed(2)}x (target <= 2.0)`);
  log(`  1,000 comp-envs         ${median(t1).toFixed(0).padStart(7)} ms   ratio ${ratioScaling.toFixed(2)}x for 3x the work (target <= 3.5)`);
  log(`  peak memory (max RSS)   ${peak.toFixed(0).padStart(7)} MiB`);
  return { ratioVsFloor, ratioScaling };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runRenderBench();
}
