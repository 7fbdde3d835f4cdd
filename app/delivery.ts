/**
 * What one webhook delivery (or one periodic pass) reads once and passes down to the flows it
 * runs: the platform, at most once (and, through the app's {@link PlatformCache}, once per
 * platform commit across deliveries), and the GitOps targets it resolves.
 */
import type { GitHub } from "../adapters/github/types.js";
import type { Deps } from "./deps.js";
import type { PlatformInputs } from "../adapters/github/platform-loader.js";
import { TargetResolver } from "../adapters/github/gitops-targets.js";

/** What a delivery context needs of the app's dependencies. */
export type DeliveryDeps = Pick<Deps, "platforms" | "platformRepo" | "builtins">;

/** One delivery's shared reads; see the module comment. */
export class DeliveryContext {
  readonly octokit: GitHub;
  /** Resolves the environments' GitOps targets, each repository once. */
  readonly resolver: TargetResolver;
  readonly #deps: DeliveryDeps;
  #platform: Promise<PlatformInputs> | undefined;

  constructor(octokit: GitHub, deps: DeliveryDeps) {
    this.octokit = octokit;
    this.resolver = new TargetResolver(octokit);
    this.#deps = deps;
  }

  /** The platform at the platform repository's current commit, read on the first call. */
  async platform(): Promise<PlatformInputs> {
    this.#platform ??= this.#deps.platforms.read(this.octokit, this.#deps.platformRepo, this.#deps.builtins);
    const platform = await this.#platform;
    return { ...platform, diagnostics: [...platform.diagnostics] };
  }
}
