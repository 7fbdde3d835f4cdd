/** The GitOps repository layout (core/gitops/layout.ts) and the label keys the renderer stamps. */
import { describe, expect, it } from "vitest";
import { componentDir, defaultEnvironmentPath, environmentPath, LABELS, namespaceFile, objectFileName, releaseBranch } from "../../../core/gitops/layout.js";
import { RELEASE_LABEL } from "../../../core/release/state.js";
import { LABEL_COMPONENT, LABEL_ENVIRONMENT, LABEL_PROJECT, LABEL_RELEASE } from "../../../core/status/components.js";
import { LABEL } from "../../../renderers/compile/context.js";
import { MANAGED_NAMESPACE_LABEL } from "../../../renderers/compile/network.js";

describe("GitOps repository layout", () => {
  it("places environments, components, objects, namespaces and release branches", () => {
    expect(defaultEnvironmentPath("dev")).toBe("environments/dev");
    expect(environmentPath({ name: "dev", gitops: {} })).toBe("environments/dev");
    expect(environmentPath({ name: "prod", gitops: { path: "clusters/prod" } })).toBe("clusters/prod");
    expect(componentDir("shop", "api")).toBe("shop/api");
    expect(objectFileName({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api" } })).toBe("deployment-api.yaml");
    expect(namespaceFile("shop")).toBe("shop/namespace.yaml");
    expect(releaseBranch("dev", "shop", "api")).toBe("ferry/release/dev/shop/api");
  });

  it("names the same ferry.dev labels as the renderer stamps and the status side reads", () => {
    // renderers/ sits below core/ and cannot import the layout: this keeps the keys equal.
    expect(LABEL.project).toBe(LABELS.project);
    expect(LABEL.ferryComponent).toBe(LABELS.component);
    expect(LABEL.environment).toBe(LABELS.environment);
    expect(LABEL.release).toBe(LABELS.release);
    expect(MANAGED_NAMESPACE_LABEL).toBe(LABELS.managed);
    expect([LABEL_PROJECT, LABEL_COMPONENT, LABEL_ENVIRONMENT, LABEL_RELEASE, RELEASE_LABEL]).toEqual([
      LABELS.project,
      LABELS.component,
      LABELS.environment,
      LABELS.release,
      LABELS.release,
    ]);
  });
});
