/**
 * The services Ferry's flows are given, in one place with their defaults documented: each flow
 * declares the ones it uses as a `Pick` of this interface (`ReleaseDeps`, `PromotionDeps`,
 * `PreviewDeps`, `CommandDeps`, `ReconcileDeps`, ...), as a Backstage module lists its services.
 * The app's composition root (`app/deps.ts`) builds them, together with what only the app process
 * runs (queue, leases, metrics, schedules); the CLI and the MCP server build the few a person's
 * request needs (`flows/promotion/requests.ts` `personPromotionContext`).
 */
import type { Logger } from "probot";
import type { Builtins } from "../renderers/platform.js";
import type { RepoRef } from "../adapters/github/types.js";
import type { PlatformCache } from "../adapters/github/platform-loader.js";
import type { GitopsPort } from "../adapters/git/port.js";
import type { HealthSource } from "../core/promotion/health.js";
import type { LandedListener, RuntimeStatus } from "./promotion/events.js";
import type { PlatformChanged, RolloutWatch, VerificationFailed } from "./status/runtime-hooks.js";
import type { SignalsObserver } from "./signals/observed.js";
import type { ClusterRuntime } from "./status/cluster-runtime.js";
import type { Notify } from "../core/notifications/event.js";

/** What the flows may be given; see the module comment. */
export interface FlowServices {
  /** The current time (check run timestamps). @default () => new Date() */
  readonly clock: () => Date;
  /** Reads and publishes GitOps repositories. @default the isomorphic-git publisher of adapters/git, counting push retries in `metrics` */
  readonly gitops: GitopsPort;
  /** Where GitOps clones are cached. @default FERRY_CACHE_DIR */
  readonly cacheDir: string;
  /** The app's logger. @default Probot's logger */
  readonly logger: Logger;
  /** The platform repository: the only source of platform definitions. @default FERRY_PLATFORM_REPO */
  readonly platformRepo: RepoRef;
  /** Built-in component types and traits. @default loaded once from templates/ */
  readonly builtins: Builtins;
  /** The platform, loaded once per platform commit. @default a cache of 4 commits held by the app instance */
  readonly platforms: PlatformCache;
  /**
   * The login of the app's bot (`<slug>[bot]`): only its comments are ever edited. Undefined when
   * it cannot be found out (then any bot's comment with Ferry's marker counts as Ferry's).
   * @default asked once from `GET /app` with the app's JWT, then remembered
   */
  readonly botLogin: () => Promise<string | undefined>;
  /**
   * The numeric id of Ferry's own GitHub App: a `Ferry / …` check run is Ferry's only when this app
   * made it (another app may create a run of the same name; it is never read as Ferry's, nor
   * updated). Rejects when it cannot be found out, so nothing is read or written as Ferry's then.
   * @default APP_ID when the configuration comes from the environment, else asked once from `GET /app` with the app's JWT
   */
  readonly appId: () => Promise<number>;
  /**
   * The key of Ferry's seal on the commits it makes on promotion branches (core/gitops/seal.ts):
   * who asked and which release are read from sealed commits only. Undefined: Ferry cannot seal or
   * verify (every commit of an app-opened promotion then fails the gates).
   * @default derived from the app's webhook secret (`createFerryApp`), the same on every replica
   */
  readonly sealKey?: () => Promise<Uint8Array | undefined>;
  /**
   * Health of a component in an environment, for the source-health and soak gates.
   * @default notObservedHealth (every gate reports "not observed"; blocks promotions into production and along steps with a soak unless the step sets `requireHealth: false`)
   */
  readonly health: HealthSource;
  /** Told after a release landed in an environment and its next promotions were opened. @default nobody */
  readonly onReleaseLanded?: LandedListener;
  /** Adds what the clusters run to `/ferry status`. @default nothing is added */
  readonly runtimeStatus?: RuntimeStatus;
  /**
   * Watches the clusters (status comments, deployment statuses, health for the gates, next
   * promotion once Healthy); `createFerryApp` wires it into `health`, `watchRollout`,
   * `runtimeStatus` and `platformChanged`. @default built from FERRY_CLUSTER_STATUS / KUBECONFIG
   * when the configuration comes from the environment, else none
   */
  readonly clusterRuntime?: ClusterRuntime;
  /** Watches a landed release's rollout; true: the next promotions wait until it is Healthy. @default none: promote at once */
  readonly watchRollout?: RolloutWatch;
  /** Told after a push to the platform repository's default branch. @default nobody */
  readonly platformChanged?: PlatformChanged;
  /** Told when a watched release fails verification (its next promotions never open). @default nobody */
  readonly onVerificationFailed?: VerificationFailed;
  /** Told of each verification's result and each Prometheus query (Ferry's own metrics). @default nobody */
  readonly observeSignals?: SignalsObserver;
  /**
   * Tells the platform's notifications (`spec.notifications`) what happened; returns at once (a
   * delivery never delays nor fails a flow). @default nobody is told
   */
  readonly notify?: Notify;
}
