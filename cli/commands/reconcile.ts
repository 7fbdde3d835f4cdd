/** `ferry reconcile --dry-run`: what the app's next reconcile pass would repair (operations/reconcile.ts), changing nothing. */
import { githubSettings } from "../github-access.js";
import { formatReconcileReport } from "../../core/reconcile/report.js";
import { reconcileDryRun } from "../../operations/reconcile.js";
import { parse } from "../args.js";
import type { CliIo, Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";

export const reconcile: Command = {
  help: `ferry reconcile --dry-run --platform-repo OWNER/NAME [--token TOKEN] [--api-url URL] [--json]

Reads GitHub and the GitOps repositories the way the app's reconcile pass does and lists the
repairs it would make, changing nothing: a component whose release at the head of its app
repository is missing from the pipeline's first environments (a push whose delivery was lost),
a release missing its promotion pull request, a promotion pull request without a Ferry / gates
check on its head, a Ferry deployment still in progress. Differences left alone on purpose
(waiting for a build check or a pull request's merge, a rollback) are listed with why. Failed
webhook deliveries need the App's own credentials: only the app's pass checks them.

Exit codes: 0 nothing to repair; 1 repairs are due, or GitHub could not be read; 2 bad usage.

Options:
  --dry-run              required: the app carries out repairs, the CLI only shows them
  --platform-repo REPO   platform repository, owner/name (default $FERRY_PLATFORM_REPO)
  --token TOKEN          GitHub token that reads the platform, app and GitOps repositories
                         (default $GITHUB_TOKEN)
  --api-url URL          REST API URL (default $GITHUB_API_URL, else https://api.github.com;
                         GitHub Enterprise: https://HOST/api/v3)
  --cache-dir DIR        clone cache (default FERRY_CACHE_DIR, else ~/.cache/ferry)
  --app-id ID            Ferry's GitHub App id (default $FERRY_APP_ID): a Ferry / gates check
                         counts only when that app made it; without it open promotions' gates
                         checks are not checked
  --json                 machine-readable output

Examples:
  GITHUB_TOKEN=ghp_... ferry reconcile --dry-run --platform-repo acme/platform
  ferry reconcile --dry-run --platform-repo acme/platform --api-url https://github.example.com/api/v3 --json`,
  async run(argv: readonly string[], io: CliIo) {
    const { values, positionals } = parse(argv, {
      "dry-run": { type: "boolean" },
      "platform-repo": { type: "string" },
      token: { type: "string" },
      "api-url": { type: "string" },
      "cache-dir": { type: "string" },
      "app-id": { type: "string" },
      json: { type: "boolean" },
    });
    if (values.help) {
      io.stdout(`${reconcile.help}\n`);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const problems: string[] = [];
    if (!values["dry-run"]) problems.push("only --dry-run is supported: the app's reconcile pass carries out the repairs");
    const settings = githubSettings(values, io, problems);
    if (problems.length > 0) throw new UsageError(problems.join("\n"));

    const { token, platformRepo, apiUrl, cacheDir, appId } = settings!;
    const report = await reconcileDryRun({ token, platformRepo, apiUrl, cacheDir, ...(appId === undefined ? {} : { appId }) });
    if (values.json) {
      io.stdout(
        `${JSON.stringify(
          {
            dryRun: true,
            ...(report.stopped ? { stopped: report.stopped } : {}),
            repairs: report.repairs.map((r) => r.repair),
            deferred: report.deferred,
            problems: report.problems,
          },
          null,
          2,
        )}\n`,
      );
    } else {
      io.stdout(formatReconcileReport(report));
    }
    return report.stopped || report.repairs.length > 0 ? EXIT.failed : EXIT.ok;
  },
};
