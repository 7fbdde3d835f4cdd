/** ferry_promotions: the open promotion pull requests and each gate's state (operations/promotions.ts). */
import { z } from "zod";
import { DnsLabel } from "../../renderers/model/index.js";
import { formatPromotionsText, ListedPromotion } from "../../core/promotion/listing.js";
import { listPromotions } from "../../operations/promotions.js";
import { PlatformRepoArg, promotionAccess } from "../promotions.js";
import { REMOTE_READ, defineTool } from "./tool.js";

export const promotionsTool = defineTool({
  name: "ferry_promotions",
  title: "List open promotions",
  description:
    "The open promotion and rollback pull requests in the platform's GitOps repositories, read with the caller's GitHub token: component, release, " +
    "source and target environment, who opened and who asked for it, and each gate's state (policies, approvals, source-health, verified, soak, window) " +
    "as the latest Ferry / gates check the Ferry app itself made on its head commit reports it (null: not evaluated yet; " +
    "with gatesUnknown: the server has no FERRY_APP_ID, so no check run can be trusted as Ferry's).",
  input: { env: z.array(DnsLabel).optional().describe("only pull requests into these environments; default: all"), ...PlatformRepoArg },
  output: { promotions: z.array(ListedPromotion) },
  annotations: REMOTE_READ,
  writes: false,
  async run({ env, platformRepo }, context) {
    const { github, ...access } = promotionAccess({ platformRepo }, context);
    const promotions = await listPromotions(github, { envs: env ?? [] }, access);
    return { structured: { promotions }, text: formatPromotionsText(promotions) };
  },
});
