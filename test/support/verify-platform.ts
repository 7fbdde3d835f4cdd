/** A platform whose prod environment reads the Prometheus at `url` and whose dev -> prod step verifies with `verify`. */
import { Platform, type Verify } from "../../renderers/model/index.js";

export function verifyPlatform(url: string, verify: Verify): Platform {
  return Platform.parse({
    apiVersion: "ferry.dev/v1alpha1",
    kind: "Platform",
    metadata: { name: "acme" },
    spec: {
      projects: [{ name: "shop", repos: ["acme/shop-api"] }],
      observability: { prometheus: [{ name: "local", url }] },
      environments: [
        { name: "dev", gitops: { repo: "acme/gitops", branch: "main", path: "environments/dev" } },
        { name: "prod", cluster: { context: "prod", prometheus: "local" }, gitops: { repo: "acme/gitops", branch: "main", path: "environments/prod" } },
      ],
      pipeline: [{ from: "dev", to: ["prod"], verify }],
    },
  });
}
