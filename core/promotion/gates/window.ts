/** The change-window gate: the target environment's change window is open now. */
import { windowPosition } from "../change-window.js";
import type { GateDefinition } from "./model.js";
import { gate } from "./model.js";

export const windowGate: GateDefinition<"target" | "now"> = {
  name: "window",
  reads: ["target", "now"],
  evaluate(input) {
    const spec = input.target.window;
    if (!spec) return gate("window", "pass", `${input.target.name} has no change window`);
    const text = `${spec.days.join(", ")} ${spec.hours} ${spec.timezone}`;
    const at = windowPosition(spec, input.now);
    if (at.open) return gate("window", "pass", `inside the change window (${text}); closes ${at.closes}`);
    return gate(
      "window",
      "pending",
      `outside the change window (${text}): it is ${at.now}; ${at.opens === undefined ? "it never opens" : `opens ${at.opens}`}`,
    );
  },
};
