/**
 * Checking the platform's `spec.notifications` as a whole: names unique, and the environments and
 * projects a notification filters on exist. Each finding at its file, line and column.
 */
import type { Diagnostic } from "../../renderers/diagnostics.js";
import type { Loaded } from "../../renderers/load.js";
import type { Platform } from "../../renderers/model/index.js";
import { diagnosticAt } from "../../renderers/yaml.js";

/** Every problem of `spec.notifications`; none when the platform has none. */
export function checkNotifications(platform: Loaded<Platform>): Diagnostic[] {
  const { spec } = platform.value;
  const doc = platform.source;
  const out: Diagnostic[] = [];
  const environments = new Set(spec.environments.map((e) => e.name));
  const projects = new Set(spec.projects.map((p) => p.name));
  const seen = new Map<string, number>();
  (spec.notifications ?? []).forEach((n, i) => {
    const earlier = seen.get(n.name);
    if (earlier !== undefined)
      out.push(
        diagnosticAt(doc, ["spec", "notifications", i, "name"], `notification ${JSON.stringify(n.name)} is already declared as notifications[${earlier}]`),
      );
    else seen.set(n.name, i);
    const unknown = (field: "environments" | "projects", known: ReadonlySet<string>, what: string) =>
      (n[field] ?? []).forEach((name, j) => {
        if (!known.has(name))
          out.push(
            diagnosticAt(doc, ["spec", "notifications", i, field, j], `unknown ${what} ${JSON.stringify(name)}; known: ${[...known].sort().join(", ")}`),
          );
      });
    unknown("environments", environments, "environment");
    unknown("projects", projects, "project");
  });
  return out;
}
