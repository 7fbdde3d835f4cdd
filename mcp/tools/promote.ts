/** ferry_promote: open the promotion pull request `/ferry promote` opens, as the caller (operations/promotions.ts). */
import { z } from "zod";
import { askAsPerson, PersonAskResult } from "../../operations/promotions.js";
import { PROMOTION_WRITE, personAskInput, personAskText } from "../person-ask.js";
import { promotionAccess } from "../promotions.js";
import { defineTool } from "./tool.js";

export const promoteTool = defineTool({
  name: "ferry_promote",
  title: "Promote a component",
  description:
    "Opens (or updates) the promotion pull request of <project>/<component> into env in its GitOps repository, with the caller's GitHub token: " +
    "the pull request `/ferry promote <env> [release]` opens (same branch, title, body, files) and refused for the same reasons " +
    "(the caller's role on the component's app repository below the environment's commandPermission; a release not from the previous environment). " +
    "Nothing is deployed until the pull request is merged through its gates; the caller cannot approve it.",
  input: {
    ...personAskInput("the environment to promote into", "the release to promote; default: the one the previous environment runs"),
    breakGlass: z
      .string()
      .optional()
      .describe(
        'why to break glass on a freeze of env (`/ferry promote <env> --break-glass "why"`): needs maintain on the app repository; recorded on the landing commit',
      ),
  },
  output: PersonAskResult.shape,
  annotations: PROMOTION_WRITE,
  writes: true,
  async run({ component, env, release, breakGlass, platformRepo }, context) {
    const { github, ...access } = promotionAccess({ platformRepo }, context);
    const result = await askAsPerson(
      github,
      { verb: "promote", component, env, ...(release ? { release } : {}), ...(breakGlass !== undefined ? { breakGlass } : {}) },
      access,
    );
    return { structured: result, text: personAskText(result), ...(result.status === "refused" ? { isError: true } : {}) };
  },
});
