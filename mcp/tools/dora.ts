/** ferry_dora: `ferry dora` (operations/dora.ts): an environment's DORA figures from its GitOps history and Ferry's deployment statuses. */
import { z } from "zod";
import { GitopsError } from "../../adapters/git/errors.js";
import { formatDoraText } from "../../core/dora/text.js";
import { UsageError } from "../../operations/errors.js";
import { readDora } from "../../operations/dora.js";
import { componentSight } from "../components.js";
import { PlatformArg, platformBundle } from "../workspace.js";
import { ComponentName } from "./get-component.js";
import { REMOTE_READ, defineTool } from "./tool.js";

const Seconds = z
  .object({
    p50: z.number().nullable().describe("nearest-rank median in seconds; null: nothing observed"),
    p90: z.number().nullable().describe("nearest-rank 90th percentile in seconds; null: nothing observed"),
    count: z.number().int().describe("how many samples the quantiles stand on"),
  })
  .strict();

const Figures = {
  deployments: z.number().int().describe("releases that landed in the environment in the window (rollbacks included)"),
  deploymentFrequencyPerDay: z.number().nullable(),
  leadTimeSeconds: Seconds.describe("app commit time to the first Healthy (Verified where the step has verify) of the release in the environment"),
  changeFailureRate: z.number().nullable().describe("failed / count; null: the deployment statuses were not observed or nothing landed"),
  timeToRestoreSeconds: Seconds.extend({ unrestored: z.number().int().describe("failures with no ready deployment after them yet") }),
  changeFailures: z.object({ failed: z.number().int(), count: z.number().int() }),
  rollbacks: z.number().int(),
};

export const doraTool = defineTool({
  name: "ferry_dora",
  title: "DORA figures of an environment",
  description:
    "Computes an environment's DORA figures over `since` (as `ferry dora`): deployments and deployment frequency from the GitOps history, " +
    "lead time for changes (app commit to Healthy, or Verified where the step has verify), change failure rate (deployments followed by a rollback, " +
    "a failed verification or a Degraded settle) and time to restore from the deployment statuses Ferry posted, each with the count it stands on, " +
    "and one row per component you can see. A figure that was not observed is null with count 0, never 0.",
  input: {
    project: z.string().optional().describe("only this project's components"),
    component: ComponentName.optional().describe("only this component, PROJECT/COMPONENT"),
    env: z.string().optional().describe("the environment; default: the first production environment"),
    since: z
      .string()
      .regex(/^\d+[mhdw]$/)
      .optional()
      .describe("how far back: 30d, 12h, 2w, 90m; default 30d"),
    ...PlatformArg,
  },
  output: {
    since: z.string().describe("ISO 8601"),
    until: z.string().describe("ISO 8601"),
    environment: z.string(),
    ...Figures,
    components: z.array(z.object({ component: z.string(), statusesObserved: z.boolean(), ...Figures })),
    breakGlass: z
      .object({
        count: z.number().int(),
        promotions: z.array(
          z.object({ component: z.string(), release: z.string(), at: z.string(), commit: z.string(), login: z.string(), reason: z.string() }),
        ),
      })
      .describe("deployments in the window that broke glass on a freeze (their commit's Ferry-Break-Glass trailer), oldest first"),
    notes: z.array(z.string()).describe("what was not observed, and why"),
  },
  annotations: REMOTE_READ,
  writes: false,
  async run({ project, component, env, since, ...args }, context) {
    const bundle = platformBundle(args, context);
    const sight = await componentSight(bundle, context);
    let report;
    try {
      report = await readDora({
        platform: bundle,
        ...(project !== undefined ? { project } : {}),
        ...(component !== undefined ? { component } : {}),
        ...(env !== undefined ? { env } : {}),
        ...(since !== undefined ? { since } : {}),
        cacheDir: context.variables.FERRY_CACHE_DIR,
        variables: context.variables,
        visible: sight,
      });
    } catch (e) {
      if (e instanceof GitopsError) throw new UsageError(`gitops: ${e.message}`);
      throw e;
    }
    const { notes, ...figures } = report;
    return {
      structured: {
        ...figures,
        components: [...figures.components],
        breakGlass: { count: figures.breakGlass.count, promotions: [...figures.breakGlass.promotions] },
        notes: [...notes],
      },
      text: formatDoraText(figures, notes),
    };
  },
});
