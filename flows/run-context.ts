/**
 * What one run of Ferry's flows reads once and passes down to the flows it runs: the client it
 * acts with, the platform, at most once (and, through the given {@link PlatformCache}, once per
 * platform commit across runs), and the GitOps targets it resolves. A run is one webhook
 * delivery, one periodic pass, or one person's request through the CLI, MCP or the portal.
 */
import type { GitHub } from "../adapters/github/types.js";
import type { FlowServices } from "./services.js";
import type { PlatformInputs } from "../adapters/github/platform-loader.js";
import { TargetResolver } from "../adapters/github/gitops-targets.js";

/** What a run context needs of the services. */
export type RunContextDeps = Pick<FlowServices, "platforms" | "platformRepo" | "builtins">;

/** One run's shared reads; see the module comment. */
export class RunContext {
  readonly octokit: GitHub;
  /** Resolves the environments' GitOps targets, each repository once. */
  readonly resolver: TargetResolver;
  readonly #deps: RunContextDeps;
  #platform: Promise<PlatformInputs> | undefined;

  constructor(octokit: GitHub, deps: RunContextDeps) {
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
