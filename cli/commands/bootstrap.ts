import { argoApplicationSet, fluxObjects, githubRepoUrl } from "../../core/gitops/bootstrap.js";
import { toYaml } from "../../renderers/canonical.js";
import { list, parse, required } from "../args.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { loadPlatformForCommand, selectEnvironments } from "../../operations/workspace.js";
import { githubServer } from "../../operations/gitops-target.js";

export const bootstrap: Command = {
  summary: "print the Argo CD ApplicationSet or Flux objects that apply each environment's path",
  help: `ferry bootstrap argocd|flux --platform DIR [--env ENV]

Prints, as YAML on stdout, what the applier needs to deploy Ferry's output: for Argo CD one
ApplicationSet with an Application per environment (automated sync, prune, self-heal);
for Flux a GitRepository and a Kustomization per environment (prune). Repositories are
https://github.com/<owner>/<name>.git, or under $GITHUB_SERVER_URL.

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
    const applier = positionals[0];
    if (applier !== "argocd" && applier !== "flux") throw new UsageError("ferry bootstrap needs argocd or flux");
    const dir = required(values.platform, "--platform");
    const bundle = loadPlatformForCommand(io, "bootstrap", dir);
    if (!bundle) return EXIT.failed;
    const envs = selectEnvironments(bundle.platform.spec.environments, list(values.env));
    const server = githubServer(io);
    const resolveRepo = (repo: string) => githubRepoUrl(repo, server);
    const objects: unknown[] =
      applier === "argocd" ? [argoApplicationSet(envs, { resolveRepo })] : envs.flatMap((e): unknown[] => [...fluxObjects(e, { resolveRepo })]);
    io.stdout(objects.map((o) => toYaml(o)).join("---\n"));
    return EXIT.ok;
  },
};
