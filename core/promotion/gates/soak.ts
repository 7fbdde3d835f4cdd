/** The soak gate: the release has been Healthy in the source environment for the pipeline step's soak time. */
import { durationSeconds } from "../../../renderers/model/index.js";
import { formatDuration, formatUtc } from "../../time.js";
import type { GateDefinition } from "./model.js";
import { gate } from "./model.js";
import { observe, unseen } from "./observed-health.js";

export const soakGate: GateDefinition<"step" | "health" | "source" | "target" | "release" | "now"> = {
  name: "soak",
  reads: ["step", "health", "source", "target", "release", "now"],
  evaluate(input) {
    const env = input.source.name;
    const soak = input.step?.soak;
    if (!soak) return gate("soak", "pass", `no soak time for ${env} → ${input.target.name}`);
    const need = durationSeconds(soak);
    const seen = observe(input);
    if (seen.kind === "unseen") return unseen(input, "soak", `soak ${soak} cannot be measured: ${seen.why}`);
    if (seen.kind === "other") return gate("soak", "pending", `soak ${soak} counts once ${env} runs ${input.release}; it runs ${seen.release}`);
    const { status, healthySince } = seen.report;
    if (status !== "Healthy") return gate("soak", "pending", `soak ${soak} starts when ${env} is Healthy; it is ${status}`);
    if (!healthySince) return unseen(input, "soak", `soak ${soak} cannot be measured: since when ${env} is Healthy is not known`);
    const have = Math.floor((input.now.getTime() - healthySince.getTime()) / 1000);
    if (have >= need) return gate("soak", "pass", `Healthy in ${env} for ${formatDuration(have)} (soak ${soak})`);
    return gate(
      "soak",
      "pending",
      `Healthy in ${env} for ${formatDuration(have)} of ${soak}; holds from ${formatUtc(new Date(healthySince.getTime() + need * 1000))}`,
    );
  },
};
