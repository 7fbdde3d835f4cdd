/**
 * Checking the platform's `spec.previews`: `from` names an environment with a cluster (or several:
 * the preview runs on one, core/gitops/layout.ts `previewCluster`), and the host
 * template uses only `${pr}`, `${component}` and `${project}` and makes a DNS name. Each finding
 * at its file, line and column.
 */
import type { Diagnostic } from "../../renderers/diagnostics.js";
import type { Loaded } from "../../renderers/load.js";
import type { Platform } from "../../renderers/model/index.js";
import { PREVIEW_HOST_VARIABLES } from "../../renderers/model/index.js";
import { diagnosticAt } from "../../renderers/yaml.js";

const HOST_TOKEN = /\$\{\s*([A-Za-z_.]+)\s*\}/g;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Every problem of `spec.previews`; none when the platform has no previews. */
export function checkPreviews(platform: Loaded<Platform>): Diagnostic[] {
  const previews = platform.value.spec.previews;
  if (!previews) return [];
  const out: Diagnostic[] = [];
  const doc = platform.source;
  const env = platform.value.spec.environments.find((e) => e.name === previews.from);
  const known = platform.value.spec.environments.map((e) => e.name).join(", ");
  if (!env) out.push(diagnosticAt(doc, ["spec", "previews", "from"], `unknown environment ${JSON.stringify(previews.from)}; known: ${known}`));
  else if (!env.cluster && (env.clusters ?? []).length === 0)
    out.push(
      diagnosticAt(
        doc,
        ["spec", "previews", "from"],
        `environment ${JSON.stringify(previews.from)} has no cluster: previews run on the cluster of the environment they come from`,
      ),
    );
  if (previews.host !== undefined) {
    const problem = hostTemplateProblem(previews.host);
    if (problem) out.push(diagnosticAt(doc, ["spec", "previews", "host"], problem));
  }
  return out;
}

/** Why a host template is unusable, or undefined. */
export function hostTemplateProblem(template: string): string | undefined {
  const unknown = [...template.matchAll(HOST_TOKEN)].map((m) => m[1]!).filter((v) => !(PREVIEW_HOST_VARIABLES as readonly string[]).includes(v));
  if (unknown.length > 0)
    return `host ${JSON.stringify(template)} uses ${unknown.map((v) => `\${${v}}`).join(", ")}; it may only use ${PREVIEW_HOST_VARIABLES.map((v) => `\${${v}}`).join(", ")}`;
  const sample = previewHost(template, { pr: 1, component: "c", project: "p" });
  if (sample.includes("${") || !DNS_NAME.test(sample)) return `host ${JSON.stringify(template)} does not make a DNS name`;
  return undefined;
}

/** The host a preview's component gets from the template. */
export function previewHost(template: string, values: { readonly pr: number; readonly component: string; readonly project: string }): string {
  return template.replace(HOST_TOKEN, (whole, name: string) => {
    if (name === "pr") return String(values.pr);
    if (name === "component") return values.component;
    if (name === "project") return values.project;
    return whole;
  });
}
