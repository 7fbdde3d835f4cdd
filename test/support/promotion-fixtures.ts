/** Shared inputs of the promotion tests: a dev → staging → prod platform and GitOps commits. */
import { Platform } from "../../renderers/model/index.js";
import type { Environment } from "../../renderers/model/index.js";
import type { GitOpsCommitInput } from "../../core/history.js";
import { historyTrailers } from "../../core/history.js";

/** Acme's platform: staging needs one approval, prod two from sre, a window and a 30m soak. */
export function acme(overrides: { prod?: Record<string, unknown>; staging?: Record<string, unknown> } = {}): Platform {
  return Platform.parse({
    apiVersion: "ferry.dev/v1alpha1",
    kind: "Platform",
    metadata: { name: "acme" },
    spec: {
      projects: [{ name: "storefront", repos: ["acme/checkout-api"] }],
      environments: [
        { name: "dev", gitops: { repo: "acme/gitops", path: "environments/dev" }, autoMerge: true },
        { name: "staging", gitops: { repo: "acme/gitops", path: "environments/staging" }, approvals: { required: 1 }, autoMerge: true, ...overrides.staging },
        {
          name: "prod",
          production: true,
          gitops: { repo: "acme/gitops-prod", path: "environments/prod" },
          approvals: { required: 2, teams: ["sre"] },
          commandPermission: "maintain",
          window: { days: ["mon", "tue", "wed", "thu"], hours: "09:00-16:00", timezone: "Europe/Berlin" },
          ...overrides.prod,
        },
      ],
      pipeline: [
        { from: "dev", to: ["staging"] },
        { from: "staging", to: ["prod"], soak: "30m" },
      ],
      pricing: { cpu: 23, memory: 3.1, storage: 0.1, currency: "EUR" },
    },
  });
}

export function envOf(p: Platform, name: string): Environment {
  const e = p.spec.environments.find((x) => x.name === name);
  if (!e) throw new Error(`no environment ${name}`);
  return e;
}

export const COMPONENT = "storefront/checkout-api";

/** Release ids used across tests. */
export const R1 = "111111111111";
export const R2 = "222222222222";
export const R3 = "333333333333";

/** A 40-hex sha derived from a label, deterministic. */
export function sha(label: string): string {
  return Buffer.from(label).toString("hex").padEnd(40, "0").slice(0, 40);
}

/** A Ferry commit putting `release` into `env` at `date`. */
export function ferryCommit(
  env: string,
  release: string | undefined,
  date: string,
  extra: { approvedBy?: string[]; from?: string; component?: string; repo?: string } = {},
): GitOpsCommitInput {
  const source = { repo: "acme/checkout-api", sha: sha(`src-${release ?? "none"}`) };
  const trailers = historyTrailers({
    component: extra.component ?? COMPONENT,
    environment: env,
    release,
    source,
    promotedFrom: extra.from,
    approvedBy: extra.approvedBy,
  });
  return {
    sha: sha(`${env}-${release ?? "none"}-${date}`),
    date,
    trailers,
    message: `ferry: release ${release ?? "none"} to ${env}`,
    repo: extra.repo ?? (env === "prod" ? "acme/gitops-prod" : "acme/gitops"),
  };
}

/**
 * The history of checkout-api: R1 went dev → staging → prod, then R2 dev → staging, then R3 to
 * dev. Newest first, as a git log reads.
 */
export function pathCommits(): GitOpsCommitInput[] {
  return [
    ferryCommit("dev", R3, "2025-03-12T08:00:00Z"),
    ferryCommit("staging", R2, "2025-03-11T10:00:00Z", { from: "dev", approvedBy: ["alice"] }),
    ferryCommit("dev", R2, "2025-03-11T09:00:00Z"),
    ferryCommit("prod", R1, "2025-03-10T10:00:00Z", { from: "staging", approvedBy: ["sam", "sasha"] }),
    ferryCommit("staging", R1, "2025-03-09T10:00:00Z", { from: "dev", approvedBy: ["alice"] }),
    ferryCommit("dev", R1, "2025-03-09T09:00:00Z"),
  ];
}
