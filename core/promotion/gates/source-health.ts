/** The source-health gate: the source environment runs the release and is Healthy. */
import { formatUtc } from "../../time.js";
import type { GateDefinition } from "./model.js";
import { gate } from "./model.js";
import { observe, unseen } from "./observed-health.js";

export const sourceHealthGate: GateDefinition<"health" | "source" | "target" | "release" | "step" | "rollback"> = {
  name: "source-health",
  reads: ["health", "source", "target", "release", "step", "rollback"],
  evaluate(input) {
    const env = input.source.name;
    const seen = observe(input);
    if (seen.kind === "unseen") return unseen(input, "source-health", seen.why);
    if (seen.kind === "other") return gate("source-health", "fail", `${env} runs release ${seen.release}, not ${input.release}`);
    const { status, healthySince, detail } = seen.report;
    const more = detail ? ` (${detail})` : "";
    if (status === "Healthy")
      return gate("source-health", "pass", `${env} runs ${input.release}, Healthy${healthySince ? ` since ${formatUtc(healthySince)}` : ""}${more}`);
    if (status === "Degraded") return gate("source-health", "fail", `${env} runs ${input.release} but is Degraded${more}`);
    return gate("source-health", "pending", `${env} runs ${input.release} and is ${status}${more}`);
  },
};
