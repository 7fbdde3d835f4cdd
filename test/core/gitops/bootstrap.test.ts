/**
 * Bootstrap objects for Argo CD and Flux, validated against the CRD schemas shipped in
 * @kubernetes-models/argo-cd and @kubernetes-models/flux-cd.
 */
import { ApplicationSet } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import { Kustomization } from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1";
import { GitRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1";
import { describe, expect, it } from "vitest";
import {
  argoApplicationSet,
  argoClusterApplicationSet,
  argoObjects,
  argoPreviewApplicationSet,
  fluxObjects,
  fluxPreviewObjects,
  githubRepoUrl,
} from "../../../core/gitops/bootstrap.js";
import { toYaml } from "../../../renderers/canonical.js";

const environments = [
  { name: "staging", gitops: { repo: "acme/gitops", branch: "main", path: "environments/staging" } },
  { name: "dev", gitops: { repo: "acme/gitops", branch: "main" } },
  { name: "prod", gitops: { repo: "https://git.example.com/acme/gitops-prod.git", branch: "release", path: "clusters/prod" } },
];

describe("Argo CD ApplicationSet", () => {
  it("lists one element per environment and validates against the ApplicationSet schema", () => {
    const appSet = argoApplicationSet(environments);
    expect(() => new ApplicationSet(appSet).validate()).not.toThrow();

    expect(appSet.spec.generators[0]?.list.elements).toEqual([
      {
        environment: "dev",
        namespace: "ferry-dev",
        path: "environments/dev",
        repoURL: "https://github.com/acme/gitops.git",
        revision: "main",
        server: "https://kubernetes.default.svc",
      },
      {
        environment: "prod",
        namespace: "ferry-prod",
        path: "clusters/prod",
        repoURL: "https://git.example.com/acme/gitops-prod.git",
        revision: "release",
        server: "https://kubernetes.default.svc",
      },
      {
        environment: "staging",
        namespace: "ferry-staging",
        path: "environments/staging",
        repoURL: "https://github.com/acme/gitops.git",
        revision: "main",
        server: "https://kubernetes.default.svc",
      },
    ]);
    expect(appSet.spec.template.spec).toEqual({
      project: "default",
      source: { repoURL: "{{.repoURL}}", targetRevision: "{{.revision}}", path: "{{.path}}", directory: { recurse: true } },
      destination: { server: "{{.server}}", namespace: "{{.namespace}}" },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ["CreateNamespace=true"],
        managedNamespaceMetadata: { labels: { "ferry.dev/managed": "true" } },
      },
    });
    expect(appSet.spec.goTemplate).toBe(true);
    expect(appSet.metadata).toEqual({ name: "ferry", namespace: "argocd", labels: { "ferry.dev/managed": "true" } });
  });

  it("uses every template key the elements define, and nothing else", () => {
    const appSet = argoApplicationSet(environments);
    const used = new Set([...JSON.stringify(appSet.spec.template).matchAll(/\{\{\.(\w+)\}\}/g)].map((m) => m[1]));
    for (const element of appSet.spec.generators[0]?.list.elements ?? []) expect(new Set(Object.keys(element))).toEqual(used);
  });

  it("targets named clusters and custom names when asked, still valid", () => {
    const appSet = argoApplicationSet(environments, {
      name: "platform",
      namespace: "gitops",
      project: "ferry",
      destination: (env) => ({ name: env.name === "prod" ? "prod-eu" : "nonprod", namespace: `apps-${env.name}` }),
      resolveRepo: (repo) => githubRepoUrl(repo, "https://ghe.example.com/"),
    });
    expect(() => new ApplicationSet(appSet).validate()).not.toThrow();

    expect(appSet.spec.template.spec.destination).toEqual({ name: "{{.clusterName}}", namespace: "{{.namespace}}" });
    expect(appSet.spec.generators[0]?.list.elements[0]).toMatchObject({
      clusterName: "nonprod",
      namespace: "apps-dev",
      repoURL: "https://ghe.example.com/acme/gitops.git",
    });
    expect(appSet.spec.template.spec.project).toBe("ferry");
    expect(() => argoApplicationSet(environments, { destination: (env) => (env.name === "prod" ? { name: "prod" } : {}) })).toThrow(
      /give every environment's destination a cluster name, or none/,
    );
  });

  it("is deterministic whatever the order of the environments", () => {
    expect(toYaml(argoApplicationSet([...environments].reverse()))).toBe(toYaml(argoApplicationSet(environments)));
  });

  it("refuses bad environments, listing every problem", () => {
    expect(() =>
      argoApplicationSet([
        { name: "Dev_1", gitops: { repo: "acme/gitops", branch: "main" } },
        { name: "qa", gitops: { repo: "", branch: "a..b", path: "../x" } },
        { name: "qa", gitops: { repo: "acme/gitops", branch: "main" } },
      ]),
    ).toThrow(
      /environments\[0\]\.name: .*; environments\[1\]\.gitops\.repo: .*; environments\[1\]\.gitops\.branch: must not contain '\.\.'; environments\[1\]\.gitops\.path: must not contain a '\.\.' segment/,
    );
    expect(() => argoApplicationSet([])).toThrow("cannot bootstrap: no environments given");
    expect(() => argoApplicationSet([environments[1], environments[1]].filter((e) => e !== undefined))).toThrow("environment dev is listed twice");
  });
});

describe("Flux GitRepository and Kustomization", () => {
  it("points a GitRepository at the environment's branch and a pruning Kustomization at its path, both valid", () => {
    const [repo, kustomization] = fluxObjects(
      { name: "prod", gitops: { repo: "acme/gitops-prod", branch: "release", path: "clusters/prod" } },
      { secretName: "gitops-token" },
    );
    expect(() => new GitRepository(repo).validate()).not.toThrow();
    expect(() => new Kustomization(kustomization).validate()).not.toThrow();

    expect(repo).toEqual({
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name: "ferry-prod", namespace: "flux-system", labels: { "ferry.dev/managed": "true", "ferry.dev/environment": "prod" } },
      spec: { interval: "1m", url: "https://github.com/acme/gitops-prod.git", ref: { branch: "release" }, secretRef: { name: "gitops-token" } },
    });
    expect(kustomization.spec).toEqual({
      interval: "10m",
      path: "./clusters/prod",
      prune: true,
      sourceRef: { kind: "GitRepository", name: "ferry-prod" },
      timeout: "5m",
      wait: true,
    });
  });

  it("defaults the path to environments/<env> and leaves the secret out for public repositories", () => {
    const [repo, kustomization] = fluxObjects({ name: "dev", gitops: { repo: "acme/gitops", branch: "main" } }, { namespace: "flux", interval: "30s" });
    expect(() => new GitRepository(repo).validate()).not.toThrow();

    expect(kustomization.spec.path).toBe("./environments/dev");
    expect(repo.spec).toEqual({ interval: "30s", url: "https://github.com/acme/gitops.git", ref: { branch: "main" } });
    expect(kustomization.metadata.namespace).toBe("flux");
  });

  it("fails the schema check when a required field is missing (the validation is real)", () => {
    const [, kustomization] = fluxObjects({ name: "dev", gitops: { repo: "acme/gitops", branch: "main" } });
    const broken = { ...kustomization, spec: { ...kustomization.spec, sourceRef: { name: "x" } } };
    expect(() => new Kustomization(broken as unknown as ConstructorParameters<typeof Kustomization>[0]).validate()).toThrow();
  });
});

describe("an environment on several clusters", () => {
  const prod = {
    name: "prod",
    gitops: { repo: "acme/gitops-prod", branch: "main", path: "environments/prod" },
    clusters: [
      { name: "us-1", context: "prod-us-1" },
      { name: "eu-1", context: "prod-eu-1" },
    ],
  };
  const dev = { name: "dev", gitops: { repo: "acme/gitops", branch: "main" } };

  it("gets one Argo CD Application per cluster, at its folder, on the cluster its context names; the others stay as they were", () => {
    const objects = argoObjects([prod, dev]);
    expect(objects).toHaveLength(2);
    const [single, clusters] = objects;
    expect(single).toEqual(argoApplicationSet([dev]));
    for (const o of objects) expect(() => new ApplicationSet(o).validate()).not.toThrow();
    expect(clusters?.metadata.name).toBe("ferry-clusters");
    expect(clusters?.spec.generators[0]?.list.elements).toEqual([
      {
        cluster: "eu-1",
        clusterName: "prod-eu-1",
        environment: "prod",
        namespace: "ferry-prod",
        path: "environments/prod/eu-1",
        repoURL: "https://github.com/acme/gitops-prod.git",
        revision: "main",
      },
      {
        cluster: "us-1",
        clusterName: "prod-us-1",
        environment: "prod",
        namespace: "ferry-prod",
        path: "environments/prod/us-1",
        repoURL: "https://github.com/acme/gitops-prod.git",
        revision: "main",
      },
    ]);
    expect(clusters?.spec.template.metadata.name).toBe("ferry-{{.environment}}-{{.cluster}}");
    expect(clusters?.spec.template.spec.destination).toEqual({ name: "{{.clusterName}}", namespace: "{{.namespace}}" });
    const used = new Set([...JSON.stringify(clusters?.spec.template).matchAll(/\{\{\.(\w+)\}\}/g)].map((m) => m[1]));
    for (const element of clusters?.spec.generators[0]?.list.elements ?? []) expect(new Set(Object.keys(element))).toEqual(used);
    expect(argoObjects([prod]).map((o) => o.metadata.name)).toEqual(["ferry-clusters"]);
  });

  it("keeps each ApplicationSet to its kind of environment", () => {
    expect(() => argoApplicationSet([prod, dev])).toThrow(/prod run on several clusters/);
    expect(() => argoClusterApplicationSet([prod, dev])).toThrow(/dev run on one cluster/);
  });

  it("gets one Flux Kustomization per cluster, applying its folder with that cluster's kubeconfig, all valid", () => {
    const [repo, ...kustomizations] = fluxObjects(prod);
    expect(() => new GitRepository(repo).validate()).not.toThrow();
    expect(repo.metadata.name).toBe("ferry-prod");
    expect(kustomizations).toHaveLength(2);
    for (const k of kustomizations) expect(() => new Kustomization(k).validate()).not.toThrow();
    expect(kustomizations.map((k) => [k.metadata.name, k.metadata.labels["ferry.dev/cluster"], k.spec.path, k.spec.kubeConfig])).toEqual([
      ["ferry-prod-eu-1", "eu-1", "./environments/prod/eu-1", { secretRef: { name: "eu-1-kubeconfig", key: "value" } }],
      ["ferry-prod-us-1", "us-1", "./environments/prod/us-1", { secretRef: { name: "us-1-kubeconfig", key: "value" } }],
    ]);
    expect(kustomizations.every((k) => k.spec.sourceRef.name === "ferry-prod" && k.spec.prune)).toBe(true);
    const [, single] = fluxObjects(dev);
    expect(single.spec).not.toHaveProperty("kubeConfig");
    expect(single.metadata.labels).not.toHaveProperty("ferry.dev/cluster");
  });
});

describe("previews (previews/pr-<number>/ of the `from` environment's branch)", () => {
  const dev = { name: "dev", gitops: { repo: "acme/gitops", branch: "main", path: "environments/dev" } };
  const multi = {
    name: "dev",
    gitops: { repo: "acme/gitops", branch: "main" },
    clusters: [
      { name: "dev-b", context: "acme-dev-b" },
      { name: "dev-a", context: "acme-dev-a" },
    ],
  };

  it("gets an Argo CD ApplicationSet whose git directory generator makes one Application per preview folder, valid", () => {
    const set = argoPreviewApplicationSet(dev, { resolveRepo: (r) => githubRepoUrl(r, "https://ghe.example.com") });
    expect(() => new ApplicationSet(set).validate()).not.toThrow();
    expect(set.metadata).toEqual({ name: "ferry-previews", namespace: "argocd", labels: { "ferry.dev/managed": "true", "ferry.dev/environment": "dev" } });
    expect(set.spec.generators).toEqual([
      { git: { repoURL: "https://ghe.example.com/acme/gitops.git", revision: "main", directories: [{ path: "previews/pr-*" }] } },
    ]);
    // Not under the environment's path (environments/dev), which dev's own Application applies.
    expect(set.spec.template.metadata.name).toBe("ferry-dev-{{.path.basename}}");
    expect(set.spec.template.metadata.labels["ferry.dev/preview"]).toBe('{{trimPrefix "pr-" .path.basename}}');
    expect(set.spec.template.metadata.finalizers).toEqual(["resources-finalizer.argocd.argoproj.io"]);
    expect(set.spec.template.spec.source).toEqual({
      repoURL: "https://ghe.example.com/acme/gitops.git",
      targetRevision: "main",
      path: "{{.path.path}}",
      directory: { recurse: true },
    });
    // Where dev's own Application deploys (in-cluster), with the same sync policy.
    expect(set.spec.template.spec.destination).toEqual({ server: "https://kubernetes.default.svc", namespace: "ferry-dev" });
    expect(set.spec.template.spec.syncPolicy).toEqual(argoApplicationSet([dev]).spec.template.spec.syncPolicy);
    // The git directory generator gives path.path and path.basename; the template uses nothing else.
    const used = new Set([...JSON.stringify(set.spec.template).matchAll(/\{\{[^}]*?\.([\w.]+)\}\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(["path.basename", "path.path"]);
  });

  it("gets a Flux GitRepository holding only previews/ and one pruning Kustomization over its root, both valid", () => {
    const [repo, kustomization] = fluxPreviewObjects(dev, { secretName: "gitops-token" });
    expect(() => new GitRepository(repo).validate()).not.toThrow();
    expect(() => new Kustomization(kustomization).validate()).not.toThrow();
    expect(repo.metadata.name).toBe("ferry-dev-previews");
    expect(repo.spec).toEqual({
      interval: "1m",
      url: "https://github.com/acme/gitops.git",
      ref: { branch: "main" },
      ignore: "/*\n!/previews/\n",
      secretRef: { name: "gitops-token" },
    });
    // The artifact's root always exists: deleting the last preview's folder prunes its objects
    // (a Kustomization whose path is gone fails without pruning).
    expect(kustomization.spec).toEqual({
      interval: "10m",
      path: "./",
      prune: true,
      sourceRef: { kind: "GitRepository", name: "ferry-dev-previews" },
      timeout: "5m",
      wait: false,
    });
    // Beside dev's own objects, never clashing with them.
    const names = fluxObjects(dev).map((o) => `${o.kind}/${o.metadata.name}`);
    for (const o of [repo, kustomization]) expect(names).not.toContain(`${o.kind}/${o.metadata.name}`);
  });

  it("run on the cluster named for a `from` environment on several clusters, and refuse when none or an unknown one is named", () => {
    const set = argoPreviewApplicationSet(multi, { cluster: "dev-a" });
    expect(() => new ApplicationSet(set).validate()).not.toThrow();
    expect(set.spec.template.spec.destination).toEqual({ name: "acme-dev-a", namespace: "ferry-dev" });
    expect(set.spec.template.metadata.labels["ferry.dev/cluster"]).toBe("dev-a");
    const [, kustomization] = fluxPreviewObjects(multi, { cluster: "dev-a" });
    expect(() => new Kustomization(kustomization).validate()).not.toThrow();
    expect(kustomization.spec.kubeConfig).toEqual({ secretRef: { name: "dev-a-kubeconfig", key: "value" } });
    expect(() => argoPreviewApplicationSet(multi)).toThrow(/dev runs on several clusters \(dev-b, dev-a\); name the one that runs the previews$/);
    expect(() => fluxPreviewObjects(multi, { cluster: "dev-c" })).toThrow(/name the one that runs the previews, not dev-c/);
    // An environment on one cluster has no cluster to name: its previews run where it does.
    expect(fluxPreviewObjects(dev, { cluster: "dev-a" })[1].spec).not.toHaveProperty("kubeConfig");
  });
});
