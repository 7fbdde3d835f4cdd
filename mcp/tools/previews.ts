/** ferry_previews: `ferry preview list` (operations/previews.ts): the preview environments of app pull requests. */
import { z } from "zod";
import { GitopsError } from "../../adapters/git/errors.js";
import { UsageError } from "../../operations/errors.js";
import { listPreviews } from "../../operations/previews.js";
import { PlatformArg, platformBundle } from "../workspace.js";
import { GitopsArgs, gitopsVariables } from "./history.js";
import { REMOTE_READ, defineTool } from "./tool.js";

const PreviewOut = z.object({
  repo: z.string().describe("the app repository of the pull request"),
  pr: z.number().int(),
  components: z.array(z.string()).describe("project/component keys the preview runs"),
  namespace: z.string(),
  urls: z.array(z.string()),
  createdAt: z.string().describe("ISO 8601, from the commit that created the preview's folder"),
  expiresAt: z.string().describe("ISO 8601: the last push plus previews.ttl"),
  monthlyCost: z.number(),
  currency: z.string(),
});

export const previewsTool = defineTool({
  name: "ferry_previews",
  title: "List preview environments",
  description:
    "The preview environments of app pull requests that the platform's previews.from environment's GitOps repository holds (as `ferry preview list --json`): " +
    "pull request, components, namespace, URLs, when each was created and expires (from the commit times of its folder) and its estimated monthly cost. " +
    "Only previews of repositories the caller can see are listed.",
  input: { ...PlatformArg, ...GitopsArgs },
  output: { previews: z.array(PreviewOut) },
  annotations: REMOTE_READ,
  writes: false,
  async run({ gitops, branch, path, ...args }, context) {
    const bundle = platformBundle(args, context);
    let listed;
    try {
      listed = await listPreviews({
        platform: bundle,
        target: { gitops, branch, path },
        cacheDir: context.variables.FERRY_CACHE_DIR,
        variables: gitopsVariables(gitops, context),
      });
    } catch (e) {
      if (e instanceof GitopsError) throw new UsageError(`gitops: ${e.message}`);
      throw e;
    }
    const previews = [];
    for (const p of listed) {
      if (!context.access.everything && !(await context.access.seesRepo(p.repo))) continue;
      previews.push({
        repo: p.repo,
        pr: p.pr,
        components: [...p.components],
        namespace: p.namespace,
        urls: [...p.urls],
        createdAt: p.createdAt,
        expiresAt: p.expiresAt,
        monthlyCost: p.monthlyCost,
        currency: p.currency,
      });
    }
    return { structured: { previews } };
  },
});
