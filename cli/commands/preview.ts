import { GitopsError } from "../../adapters/git/errors.js";
import { formatMoney } from "../../core/cost.js";
import { parse, required } from "../args.js";
import { TARGET_OPTIONS, TARGET_OPTIONS_HELP } from "../../operations/gitops-target.js";
import { listPreviews, removePreview } from "../../operations/previews.js";
import type { PreviewsInput } from "../../operations/previews.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { loadPlatformForCommand } from "../output.js";

export const preview: Command = {
  help: `ferry preview list --platform DIR [--gitops URL|PATH] [--json]
ferry preview remove PR --platform DIR [--gitops URL|PATH]

Lists the preview environments of app pull requests that the platform's previews.from
environment's GitOps target holds (their pull request, components, namespace, URLs, when they
were created and expire, and their estimated monthly cost), or removes one with a commit that
deletes its folder.

Options:
  --platform, -p DIR   platform repository checkout
${TARGET_OPTIONS_HELP}
  --json               machine-readable output (list)

Examples:
  ferry preview list --platform examples/platform --json
  ferry preview remove 42 --platform ../platform`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      platform: { type: "string", short: "p" },
      json: { type: "boolean" },
      ...TARGET_OPTIONS,
    });
    if (values.help) {
      io.stdout(`${preview.help}\n`);
      return EXIT.ok;
    }
    const [verb, number] = positionals;
    if (verb !== "list" && verb !== "remove") throw new UsageError("ferry preview needs list or remove");
    const pr = Number(number);
    if (verb === "remove" && (!/^[1-9][0-9]*$/.test(number ?? "") || !Number.isSafeInteger(pr)))
      throw new UsageError("ferry preview remove needs a pull request number");
    const dir = required(values.platform, "--platform");
    const bundle = loadPlatformForCommand(io, "preview", dir);
    if (!bundle) return EXIT.failed;
    const input: PreviewsInput = {
      platform: bundle,
      target: { gitops: values.gitops, branch: values.branch, path: values.path },
      cacheDir: values["cache-dir"],
      variables: io.env,
    };
    try {
      if (verb === "remove") {
        const out = await removePreview({ ...input, pr });
        io.stdout(out.removed ? `removed the preview of pull request ${pr} (${out.commit?.slice(0, 12) ?? ""})\n` : `no preview of pull request ${pr}\n`);
        return EXIT.ok;
      }
      const listed = await listPreviews(input);
      if (values.json) {
        const rows = listed.map((p) => ({
          repo: p.repo,
          pr: p.pr,
          components: p.components,
          namespace: p.namespace,
          urls: p.urls,
          createdAt: p.createdAt,
          expiresAt: p.expiresAt,
          monthlyCost: p.monthlyCost,
        }));
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      } else if (listed.length === 0) {
        io.stdout("no preview environments\n");
      } else {
        for (const p of listed)
          io.stdout(
            `${p.repo}#${p.pr}  ${p.namespace}  ${p.components.join(", ")}  ${formatMoney(p.monthlyCost, p.currency)}/month  created ${p.createdAt}  expires ${p.expiresAt}${p.urls.length ? `  ${p.urls.join(" ")}` : ""}\n`,
          );
      }
      return EXIT.ok;
    } catch (e) {
      if (e instanceof GitopsError) {
        io.stderr(`ferry preview: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
  },
};
