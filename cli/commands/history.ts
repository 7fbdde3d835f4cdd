import { GitopsError } from "../../adapters/git/errors.js";
import { formatHistoryText } from "../../core/history.js";
import { list, parse, required } from "../args.js";
import { TARGET_OPTIONS, TARGET_OPTIONS_HELP } from "../../operations/gitops-target.js";
import { readComponentHistory } from "../../operations/history.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { loadPlatformForCommand } from "../output.js";

export const history: Command = {
  help: `ferry history PROJECT/COMPONENT --platform DIR [--env ENV] [--gitops URL|PATH] [--json]

Reads the commits of each environment's GitOps target that touched the component and lists,
newest first, the releases it ran, since when, from which source commit and who approved.

Options:
  --platform, -p DIR   platform repository checkout
  --env, -e ENV        only these environments (default: all)
${TARGET_OPTIONS_HELP}
  --limit N            commits to read per environment (default 50)
  --json               machine-readable output

Examples:
  ferry history storefront/checkout-api --platform examples/platform
  ferry history payments/payments-api --platform ../platform --env prod --gitops ../gitops-prod`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      platform: { type: "string", short: "p" },
      env: { type: "string", multiple: true, short: "e" },
      json: { type: "boolean" },
      limit: { type: "string" },
      ...TARGET_OPTIONS,
    });
    if (values.help) {
      io.stdout(`${history.help}\n`);
      return EXIT.ok;
    }
    const component = positionals[0] ?? "";
    const [, project, name] = /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(component) ?? [];
    if (!project || !name) throw new UsageError("ferry history needs PROJECT/COMPONENT");
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError("--limit must be a positive whole number");
    const dir = required(values.platform, "--platform");
    const bundle = loadPlatformForCommand(io, "history", dir);
    if (!bundle) return EXIT.failed;
    let report;
    try {
      report = await readComponentHistory({
        platform: bundle,
        project,
        component: name,
        envs: list(values.env),
        target: { gitops: values.gitops, branch: values.branch, path: values.path },
        limit,
        cacheDir: values["cache-dir"],
        variables: io.env,
      });
    } catch (e) {
      if (e instanceof GitopsError) {
        io.stderr(`ferry history: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
    const { history: result, environments: envs } = report;
    for (const i of result.ignored) io.stderr(`ferry history: skipped commit ${i.commit.slice(0, 12)}: ${i.reason}\n`);
    if (values.json) {
      io.stdout(`${JSON.stringify({ component, environments: Object.fromEntries(result.environments) }, null, 2)}\n`);
    } else {
      io.stdout(formatHistoryText(result, { order: envs.map((e) => e.name), limit: 20 }));
    }
    return EXIT.ok;
  },
};
