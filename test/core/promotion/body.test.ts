/** The promotion commit (core/promotion/body.ts): message and trailers the history reader reads. */
import { describe, expect, it } from "vitest";
import { promotionCommit } from "../../../core/promotion/body.js";
import { bodyInput, checkoutApiProd } from "../../support/promotion-body-input.js";

describe("promotion pull request", () => {
  it("writes the promotion commit's trailers for the history reader", () => {
    const c = promotionCommit(bodyInput().subject, ["sam"]);
    expect(c.message.split("\n")[0]).toBe(`ferry: promote storefront/checkout-api ${checkoutApiProd().prod.release.metadata.name} from staging to prod`);
    expect(c.trailers).toEqual({
      "Ferry-Component": ["storefront/checkout-api"],
      "Ferry-Environment": ["prod"],
      "Ferry-Release": [checkoutApiProd().prod.release.metadata.name],
      "Ferry-Source": ["acme/checkout-api@c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe"],
      "Ferry-Promoted-From": ["staging"],
      "Ferry-Approved-By": ["sam"],
    });
  });
});
