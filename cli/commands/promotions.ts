/** `ferry promotions`: the open promotion pull requests and each gate's state (operations/promotions.ts). */
import { RejectedToken } from "../../adapters/github/people.js";
import { formatPromotionsText } from "../../core/promotion/listing.js";
import { listPromotions } from "../../operations/promotions.js";
import { list, parse } from "../args.js";
import { GITHUB_OPTIONS, GITHUB_OPTIONS_HELP, githubAccess } from "../github-access.js";
import type { CliIo, Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";

export const promotions: Command = {
  help: `ferry promotions [--env ENV] [--platform-repo OWNER/NAME] [--json]

Lists the open promotion and rollback pull requests in the platform's GitOps repositories:
component, release, source and target environment, who opened and who asked for it, and each
gate's state (policies, approvals, source-health, verified, soak, window) as the latest Ferry / gates
check Ferry's own app (--app-id) made on the pull request's head commit reports it; a check
run of that name by another app is never read. Reads only, with your token.

Exit codes: 0 listed (also when none are open); 1 GitHub could not be read; 2 bad usage.

Options:
  --env, -e ENV          only pull requests into these environments (repeat or comma-separate)
${GITHUB_OPTIONS_HELP}
  --json                 machine-readable output

Examples:
  GITHUB_TOKEN=ghp_... ferry promotions --platform-repo acme/platform --app-id 123456
  ferry promotions --env prod --json`,
  async run(argv: readonly string[], io: CliIo) {
    const { values, positionals } = parse(argv, { env: { type: "string", multiple: true, short: "e" }, json: { type: "boolean" }, ...GITHUB_OPTIONS });
    if (values.help) {
      io.stdout(`${promotions.help}\n`);
      return EXIT.ok;
    }
    const problems: string[] = [];
    if (positionals.length > 0) problems.push(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const access = githubAccess(values, io, problems);
    if (problems.length > 0 || !access) throw new UsageError(problems.join("\n"));
    try {
      const listed = await listPromotions(access.octokit, { envs: list(values.env) }, { platformRepo: access.platformRepo, appId: access.appId });
      io.stdout(values.json ? `${JSON.stringify({ promotions: listed }, null, 2)}\n` : formatPromotionsText(listed));
      return EXIT.ok;
    } catch (e) {
      if (e instanceof RejectedToken) {
        io.stderr(`ferry promotions: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
  },
};
