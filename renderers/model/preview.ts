/** `spec.previews` of the Platform: a preview environment per app pull request. */
import { z } from "zod";
import { DnsLabel, Duration } from "./common.js";

/** The label an app pull request carries to get a preview when `trigger: label`. */
export const PREVIEW_LABEL = "ferry:preview";

/** The variables a preview host template may use. */
export const PREVIEW_HOST_VARIABLES = ["pr", "component", "project"] as const;

export const Previews = z.strictObject({
  /** The environment whose cluster, GitOps target and running components a preview borrows. */
  from: DnsLabel,
  /**
   * `label`: only pull requests carrying the `ferry:preview` label get a preview; `always`: every
   * app pull request touching `.ferry/`.
   * @default "label"
   */
  trigger: z.enum(["label", "always"]).default("label"),
  /**
   * Removed after this long without a push (and always on close or merge).
   * @default "72h"
   */
  ttl: Duration.default("72h"),
  /** A preview whose estimated monthly cost is above this figure (the platform's currency) is refused; unset: no cap. */
  maxMonthlyCost: z.number().min(0).optional(),
  /**
   * The host of each component with a route, with `${pr}`, `${component}` and `${project}`
   * replaced; unset: previews get no URL.
   */
  host: z.string().min(1).optional(),
  /**
   * At most this many previews per project at once; the next one is refused, naming the oldest.
   * @default 10
   */
  maxPerProject: z.number().int().min(1).default(10),
});
export type Previews = z.infer<typeof Previews>;
