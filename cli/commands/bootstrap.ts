import { toYaml } from "../../renderers/canonical.js";
import { Applier, bootstrapObjects } from "../../operations/bootstrap.js";
import { githubServer } from "../../operations/gitops-target.js";
import { list, parse, required } from "../args.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { loadPlatformForCommand } from "../output.js";

export const bootstrap: Command = {
  help: `ferry bootstrap argocd|flux --platform DIR [--env ENV]

Prints, as YAML on stdout, what the applier needs to deploy Ferry's output: for Argo CD one
ApplicationSet with an Application per environment (automated sync, prune, self-heal);
for Flux a GitRepository and a Kustomization per environment (prune). Repositories are
https://github.com/<owner>/<name>.git, or under $GITHUB_SERVER_URL.

An environment on several clusters (environments[].clusters) gets one Application per
cluster (a second ApplicationSet, <name>-clusters, whose destination is the Argo CD cluster
named like the cluster's kubeconfig context) or one Kustomization per cluster (its kubeconfig
from the Secret <cluster>-kubeconfig, key value), each applying <path>/<cluster>.

With previews (spec.previews), the environment they come from also gets what applies
previews/pr-<number>/ of its branch: for Argo CD an ApplicationSet <name>-previews with one
Application per preview folder (git directory generator; a removed folder's Application and
its objects are deleted); for Flux a GitRepository and a pruning Kustomization
ferry-<env>-previews over an artifact holding only previews/.

Options:
  --platform, -p DIR   platform repository checkout
  --env, -e ENV        only these environments (default: all)

Examples:
  ferry bootstrap argocd --platform examples/platform | kubectl apply -n argocd -f -
  ferry bootstrap flux --platform examples/platform --env prod`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { platform: { type: "string", short: "p" }, env: { type: "string", multiple: true, short: "e" } });
    if (values.help) {
      io.stdout(`${bootstrap.help}\n`);
      return EXIT.ok;
    }
    const applier = Applier.safeParse(positionals[0]);
    if (!applier.success) throw new UsageError("ferry bootstrap needs argocd or flux");
    const dir = required(values.platform, "--platform");
    const platform = loadPlatformForCommand(io, "bootstrap", dir);
    if (!platform) return EXIT.failed;
    const objects = bootstrapObjects({ platform, applier: applier.data, envs: list(values.env), server: githubServer(io) });
    io.stdout(objects.map((o) => toYaml(o)).join("---\n"));
    return EXIT.ok;
  },
};
