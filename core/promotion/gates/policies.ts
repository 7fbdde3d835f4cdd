/** The policies gate: the release rendered for the target has no compile or policy error. */
import type { Diagnostic } from "../../../renderers/diagnostics.js";
import type { GateDefinition } from "./model.js";
import { gate } from "./model.js";

function listed(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join("; ");
  return items.length > max ? `${shown}; and ${items.length - max} more` : shown;
}

function finding(d: Diagnostic): string {
  const where = d.resource ? ` ${d.resource}` : d.file ? ` ${d.file}` : "";
  return `[${d.code}]${where}: ${d.message}`;
}

export const policiesGate: GateDefinition<"diagnostics" | "target"> = {
  name: "policies",
  reads: ["diagnostics", "target"],
  evaluate(input) {
    const errors = input.diagnostics
      .filter((d) => d.severity === "error")
      .map(finding)
      .sort();
    const warnings = input.diagnostics
      .filter((d) => d.severity === "warning")
      .map(finding)
      .sort();
    const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
    if (errors.length > 0) return gate("policies", "fail", `${plural(errors.length, "error")} for ${input.target.name}: ${listed(errors)}`);
    if (warnings.length > 0) return gate("policies", "pass", `no errors for ${input.target.name}; ${plural(warnings.length, "warning")}: ${listed(warnings)}`);
    return gate("policies", "pass", `every policy holds for ${input.target.name}`);
  },
};
