/**
 * Checking the platform's `spec.bundles`: unique names, `from` an environment of the platform, every
 * project named declared, and no component in two bundles (a whole project's bundle holds each of
 * its components). Each finding at its file, line and field. Pure.
 */
import type { Diagnostic } from "../../renderers/diagnostics.js";
import type { Loaded } from "../../renderers/load.js";
import type { Platform } from "../../renderers/model/index.js";
import { diagnosticAt } from "../../renderers/yaml.js";

/** Every problem of `spec.bundles`; none without bundles. */
export function checkBundles(platform: Loaded<Platform>): Diagnostic[] {
  const bundles = platform.value.spec.bundles ?? [];
  const doc = platform.source;
  const out: Diagnostic[] = [];
  const envs = platform.value.spec.environments.map((e) => e.name);
  const projects = new Set(platform.value.spec.projects.map((p) => p.name));
  const names = new Map<string, number>();
  /** Who holds a component (`p/c`) or a whole project (`p/*`): the bundle's index and name. */
  const holders = new Map<string, string>();
  const q = JSON.stringify;
  bundles.forEach((b, i) => {
    const at = (...path: (string | number)[]) => ["spec", "bundles", i, ...path];
    const earlier = names.get(b.name);
    if (earlier !== undefined) out.push(diagnosticAt(doc, at("name"), `bundle ${q(b.name)} is declared twice (also bundles[${earlier}])`));
    else names.set(b.name, i);
    if (!envs.includes(b.from)) out.push(diagnosticAt(doc, at("from"), `unknown environment ${q(b.from)}; known: ${envs.join(", ")}`));
    if (b.project !== undefined) {
      if (!projects.has(b.project)) out.push(diagnosticAt(doc, at("project"), `unknown project ${q(b.project)}; known: ${[...projects].join(", ")}`));
      const clash = [...holders].find(([k]) => k.startsWith(`${b.project}/`));
      if (clash)
        out.push(
          diagnosticAt(
            doc,
            at("project"),
            `project ${q(b.project)} is in bundle ${q(b.name)} and ${q(clash[0])} in bundle ${q(clash[1])}: a component belongs to one bundle`,
          ),
        );
      holders.set(`${b.project}/*`, b.name);
    }
    const seen = new Set<string>();
    (b.components ?? []).forEach((member, j) => {
      const project = member.split("/")[0]!;
      if (!projects.has(project))
        out.push(diagnosticAt(doc, at("components", j), `unknown project ${q(project)} in ${q(member)}; known: ${[...projects].join(", ")}`));
      if (seen.has(member)) {
        out.push(diagnosticAt(doc, at("components", j), `${q(member)} is listed twice in bundle ${q(b.name)}`));
        return;
      }
      seen.add(member);
      const other = holders.get(member) ?? holders.get(`${project}/*`);
      if (other !== undefined)
        out.push(diagnosticAt(doc, at("components", j), `${q(member)} is in bundle ${q(b.name)} and in bundle ${q(other)}: a component belongs to one bundle`));
      else holders.set(member, b.name);
    });
  });
  return out;
}
