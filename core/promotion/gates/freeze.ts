/**
 * The freeze gate: no freeze (`spec.freezes`) covers the target environment now, or a person with
 * `maintain` or more on the component's app repository broke glass on exactly the head commit
 * judged (a later push or a newer release is another commit, which voids it). A rollback is not
 * held: it puts back what the environment ran before.
 */
import { BREAK_GLASS_PERMISSION, describeFreeze, freezesCovering } from "../freezes.js";
import type { BreakGlass } from "../freezes.js";
import { permits } from "../commands.js";
import type { GateDefinition, GatesInput } from "./model.js";
import { gate } from "./model.js";

type Reads = "target" | "freezes" | "breakGlass" | "headSha" | "rollback" | "now";

/** The break-glass that lets the promotion through a freeze covering its target now; undefined when none does (or none is needed). */
export function brokenFreeze(input: Pick<GatesInput, Reads>): BreakGlass | undefined {
  if (input.rollback || freezesCovering(input.freezes, input.target.name, input.now).length === 0) return undefined;
  const b = input.breakGlass;
  return b && b.commit === input.headSha && permits(b.permission, BREAK_GLASS_PERMISSION) ? { login: b.login, reason: b.reason } : undefined;
}

export const freezeGate: GateDefinition<Reads> = {
  name: "freeze",
  reads: ["target", "freezes", "breakGlass", "headSha", "rollback", "now"],
  evaluate(input) {
    const env = input.target.name;
    const covering = freezesCovering(input.freezes, env, input.now);
    if (covering.length === 0) return gate("freeze", "pass", `no freeze covers ${env}`);
    const frozen = `${env} is frozen (${covering.map(describeFreeze).join("; ")})`;
    if (input.rollback) return gate("freeze", "pass", `${frozen}; a rollback is not held`);
    const b = input.breakGlass;
    const howTo = `a person with ${BREAK_GLASS_PERMISSION} on the app repository may break glass: \`/ferry promote ${env} --break-glass "why"\``;
    if (!b) return gate("freeze", "pending", `${frozen}; ${howTo}`);
    if (b.commit !== input.headSha)
      return gate(
        "freeze",
        "pending",
        `${frozen}; @${b.login} broke glass on ${b.commit.slice(0, 7)}, not on the head ${input.headSha.slice(0, 7)} (a later push voids it); ${howTo}`,
      );
    if (!permits(b.permission, BREAK_GLASS_PERMISSION))
      return gate("freeze", "pending", `${frozen}; @${b.login} has ${b.permission} on the app repository, breaking glass needs ${BREAK_GLASS_PERMISSION}`);
    return gate("freeze", "pass", `${frozen}; glass broken by @${b.login} (${b.permission}): ${b.reason}`);
  },
};
