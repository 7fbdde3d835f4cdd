/** ferry_rollback: open the rollback pull request `/ferry rollback` opens, as the caller (operations/promotions.ts). */
import { askAsPerson, PersonAskResult } from "../../operations/promotions.js";
import { PROMOTION_WRITE, personAskInput, personAskText } from "../person-ask.js";
import { promotionAccess } from "../promotions.js";
import { defineTool } from "./tool.js";

export const rollbackTool = defineTool({
  name: "ferry_rollback",
  title: "Roll back a component",
  description:
    "Opens (or updates) the pull request that puts an earlier release of <project>/<component> back in env, with the caller's GitHub token: " +
    "the pull request `/ferry rollback <env> [release]` opens (same branch, title, body, files) and refused for the same reasons " +
    "(the caller's role on the component's app repository below the environment's commandPermission; a release the environment never ran). " +
    "Nothing is deployed until the pull request is merged through its gates.",
  input: personAskInput("the environment to roll back", "the release to put back; default: the one env ran before its current one"),
  output: PersonAskResult.shape,
  annotations: PROMOTION_WRITE,
  writes: true,
  async run({ component, env, release, platformRepo }, context) {
    const { github, ...access } = promotionAccess({ platformRepo }, context);
    const result = await askAsPerson(github, { verb: "rollback", component, env, ...(release ? { release } : {}) }, access);
    return { structured: result, text: personAskText(result), ...(result.status === "refused" ? { isError: true } : {}) };
  },
});
