/** Drift of environments against each other (core/drift/environments.ts). */
import { describe, expect, it } from "vitest";
import { environmentsDrift } from "../../../core/drift/environments.js";
import { R1, deployment, env, held, service, R2 } from "../../support/drift-objects.js";

describe("environments against each other", () => {
  it("lists each environment's release and reports a component whose releases differ", () => {
    const result = environmentsDrift([
      env("staging", { "shop/api": held(R2, [deployment("staging", R2, 1)]) }),
      env("prod", { "shop/api": held(R1, [deployment("prod", R1, 3)]) }),
    ]);
    expect(result.releases).toEqual([{ component: "shop/api", releases: { staging: R2, prod: R1 } }]);
    expect(result.findings).toEqual([{ kind: "release", component: "shop/api", releases: { staging: R2, prod: R1 } }]);
  });

  it("does not report a declared override (prod's replicas) nor the namespace and environment label", () => {
    const result = environmentsDrift([
      env("staging", { "shop/api": held(R1, [deployment("staging", R1, 1)]) }),
      env("prod", { "shop/api": held(R1, [deployment("prod", R1, 3)]) }),
    ]);
    expect(result.findings).toEqual([]);
  });

  it("reports a field edited in one environment's files beyond its override, with what the release renders", () => {
    const result = environmentsDrift([
      env("staging", { "shop/api": held(R1, [deployment("staging", R1, 1)]) }),
      env("prod", { "shop/api": held(R1, [deployment("prod", R1, 5, "ghcr.io/acme/api:hotfix")], [deployment("prod", R1, 3)]) }),
    ]);
    expect(result.findings).toEqual([
      {
        kind: "environments",
        component: "shop/api",
        environments: ["staging", "prod"],
        object: "Deployment api",
        fields: [
          { path: "spec.replicas", git: { staging: 1, prod: 5 }, expected: { staging: 1, prod: 3 } },
          {
            path: "spec.template.spec.containers[name=main].image",
            git: { staging: "ghcr.io/acme/api:1.0.0", prod: "ghcr.io/acme/api:hotfix" },
            expected: { staging: "ghcr.io/acme/api:1.0.0", prod: "ghcr.io/acme/api:1.0.0" },
          },
        ],
      },
    ]);
  });

  it("reports an override that did not land and an object only one environment's files hold", () => {
    const result = environmentsDrift([
      env("staging", { "shop/api": held(R1, [deployment("staging", R1, 1)]) }),
      env("prod", { "shop/api": held(R1, [deployment("prod", R1, 1), service("prod")], [deployment("prod", R1, 3)]) }),
    ]);
    expect(result.findings).toEqual([
      {
        kind: "environments",
        component: "shop/api",
        environments: ["staging", "prod"],
        object: "Deployment api",
        fields: [{ path: "spec.replicas", git: { staging: 1, prod: 1 }, expected: { staging: 1, prod: 3 } }],
      },
      { kind: "environments", component: "shop/api", environments: ["staging", "prod"], object: "Service api", onlyIn: "prod", fields: [] },
    ]);
  });

  it("notes a pair it cannot compare because a release does not render", () => {
    const result = environmentsDrift([
      env("staging", { "shop/api": held(R1, [deployment("staging", R1, 1)]) }),
      env("prod", { "shop/api": held(R1, [deployment("prod", R1, 9)], { problem: "releases/shop/api/0a1b2c3d4e5f.yaml is missing" }) }),
    ]);
    expect(result.findings).toEqual([]);
    expect(result.notes).toEqual([
      { component: "shop/api", message: `staging and prod (release ${R1}) not compared: releases/shop/api/0a1b2c3d4e5f.yaml is missing` },
    ]);
  });
});
