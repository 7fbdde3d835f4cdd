/**
 * The promotion body's input: checkout-api rendered for prod from the bundled example as it was with
 * prod on one cluster (test/fixtures/single-cluster-platform; the real compiler, real policies), and
 * what prod ran before.
 */
import { componentHistory } from "../../core/history.js";
import { renderApps } from "../../core/render.js";
import type { RenderedComponent } from "../../core/render.js";
import { loadWorkspace } from "../../operations/workspace.js";
import type { PromotionBodyInput } from "../../presentation/markdown/promotion-body.js";
import type { Pricing } from "../../renderers/model/index.js";
import { COMPONENT, pathCommits, R1 } from "./promotion-fixtures.js";

export interface CheckoutApiProd {
  readonly prod: RenderedComponent;
  readonly pricing: Pricing;
}

let rendered: CheckoutApiProd | undefined;

/** checkout-api rendered for prod from the single-cluster example, once per test file. */
export function checkoutApiProd(): CheckoutApiProd {
  if (!rendered) {
    // The single-cluster example (prod on one cluster): the body of a promotion into an environment on one cluster.
    const root = "test/fixtures/single-cluster-platform";
    const ws = loadWorkspace({ apps: [`${root}/apps/acme/checkout-api`, `${root}/apps/acme/payments`], platform: `${root}/platform`, envs: ["prod"] });
    if (!("bundle" in ws)) throw new Error(`examples do not load: ${JSON.stringify(ws.diagnostics)}`);
    const r = renderApps(ws.bundle, ws.components, ws.catalog, ws.environments, ws.cel);
    rendered = { prod: r.rendered.find((c) => c.release.metadata.component === "checkout-api")!, pricing: ws.bundle.platform.spec.pricing };
  }
  return rendered;
}

/** What prod ran before: an older image, two replicas minimum, no PDB yet, and a file since dropped. */
export function previous(after: ReadonlyMap<string, string>): Map<string, string> {
  const before = new Map<string, string>();
  for (const [path, text] of after) {
    if (path.includes("poddisruptionbudget")) continue;
    before.set(path, text.replace("checkout-api:1.4.2", "checkout-api:1.4.1").replace("minReplicas: 3", "minReplicas: 2"));
  }
  before.set("storefront/checkout-api/configmap-legacy.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: legacy\n");
  return before;
}

export function bodyInput(over: Partial<PromotionBodyInput> = {}): PromotionBodyInput {
  const { prod, pricing } = checkoutApiProd();
  return {
    subject: {
      project: "storefront",
      component: "checkout-api",
      release: prod.release.metadata.name,
      source: { repo: "acme/checkout-api", sha: "c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe" },
      from: "staging",
      to: "prod",
      current: R1,
    },
    before: previous(prod.files),
    after: prod.files,
    pricing,
    diagnostics: prod.diagnostics,
    history: componentHistory(pathCommits(), COMPONENT),
    historyOrder: ["dev", "staging", "prod"],
    ...over,
  };
}
