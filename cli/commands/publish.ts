import { publish as publishToGit } from "../../adapters/git/publish.js";
import { readFiles } from "../../adapters/git/read.js";
import { GitopsError } from "../../adapters/git/errors.js";
import { hasErrors } from "../../renderers/diagnostics.js";
import { renderRelease } from "../../core/render.js";
import { CompileCache } from "../../renderers/compile/cache.js";
import { componentTargets } from "../../core/gitops/layout.js";
import { parseEnvironmentState } from "../../core/release/state.js";
import { catalogKey } from "../../renderers/apps.js";
import type { DirectoryChange } from "../../core/gitops/request.js";
import { TRAILERS } from "../../core/gitops/trailers.js";
import { projectOwner, releaseChanges } from "../../core/release/plan.js";
import { list, parse, required } from "../args.js";
import { findAppDirs, repoOf } from "../../adapters/fs/files.js";
import { TARGET_OPTIONS, TARGET_OPTIONS_HELP, cliTarget, headCommit } from "../../operations/gitops-target.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { loadWorkspace } from "../../operations/workspace.js";
import { printDiagnostics } from "../output.js";
import { APP_OPTIONS } from "../app-options.js";

export const publish: Command = {
  help: `ferry publish [APP_DIR...] --platform DIR --env ENV [--gitops URL|PATH] [--branch B] [--path P]

Renders the app checkouts for one environment and commits the manifests, the projects'
namespaces and the release snapshots to the environment's GitOps target in one commit, with
trailers Ferry-Component, Ferry-Release, Ferry-Environment and Ferry-Source. Files of
resources a component no longer renders are pruned; --prune-components also removes
components the given apps no longer declare. Concurrent publishers are handled by retrying
on the new tip (never a force-push). Prints the commit id, or that nothing changed.
Exit 0 either way; 1 on input errors or a failed push; 2 on bad usage.

Options:
  --platform, -p DIR   platform repository checkout
  --env, -e ENV        the environment (exactly one)
  --repo OWNER/NAME    repository of the app (one APP_DIR only)
${TARGET_OPTIONS_HELP}
  --source REPO@SHA    Ferry-Source trailer, once or once per component (default: each
                       component's repository at its checkout's HEAD)
  --message TEXT       first line of the commit message
  --prune-components   remove components of the rendered projects that no app declares now
  --json               machine-readable result

Examples:
  GITHUB_TOKEN=... ferry publish examples/apps --platform examples/platform --env dev
  ferry publish . --platform ../platform --env dev --gitops ../gitops --branch main`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...APP_OPTIONS,
      ...TARGET_OPTIONS,
      source: { type: "string", multiple: true },
      message: { type: "string" },
      "prune-components": { type: "boolean" },
    });
    if (values.help) {
      io.stdout(`${publish.help}\n`);
      return EXIT.ok;
    }
    const envs = list(values.env);
    if (envs.length !== 1) throw new UsageError("--env must name exactly one environment");
    const ws = loadWorkspace({ apps: positionals, platform: required(values.platform, "--platform"), repo: values.repo, envs });
    printDiagnostics(io, ws.diagnostics);
    if (!("bundle" in ws)) {
      io.stderr("ferry publish: inputs have errors; nothing was committed\n");
      return EXIT.failed;
    }
    const env = ws.environments[0]!;
    const target = cliTarget(env, values, io);
    const cache = new CompileCache();
    const rendered = ws.components.map((c) => renderRelease(c.release, env, ws.bundle, ws.catalog, ws.cel, c.locate, cache));
    const diagnostics = rendered.flatMap((r) => r.diagnostics);
    printDiagnostics(io, diagnostics);
    if (hasErrors(diagnostics)) {
      io.stderr("ferry publish: inputs have errors; nothing was committed\n");
      return EXIT.failed;
    }
    const heads = new Map(findAppDirs(positionals.length > 0 ? positionals : ["."]).map((d) => [repoOf(d, values.repo), headCommit(d)]));
    const changes: DirectoryChange[] = rendered.flatMap((r, i) => {
      const repo = ws.components[i]!.repo;
      const owner = projectOwner(ws.bundle.platform, r.release.metadata.project);
      return releaseChanges(env, r.release, r.files, target.path, {
        ...(owner ? { owner } : {}),
        source: { repo, ...(heads.get(repo) ? { ref: heads.get(repo) } : {}) },
      });
    });
    const projects = new Set(rendered.map((r) => r.release.metadata.project));
    const cacheDir = values["cache-dir"];
    const removed: string[] = [];
    try {
      if (values["prune-components"]) {
        const held = await readFiles({ target, paths: [target.path], cacheDir });
        const keep = new Set(rendered.map((r) => catalogKey(r.release.metadata.project, r.release.metadata.component)));
        const prefix = `${target.path}/`;
        const state = parseEnvironmentState(new Map([...held.files].filter(([p]) => p.startsWith(prefix)).map(([p, t]) => [p.slice(prefix.length), t])), env);
        for (const deployed of state.components.values()) {
          const key = catalogKey(deployed.project, deployed.component);
          if (keep.has(key) || !projects.has(deployed.project)) continue;
          removed.push(key);
          for (const t of componentTargets(env, deployed.project, deployed.component))
            changes.push({ dir: `${target.path}/${t.dir}`, files: new Map(), prune: true });
        }
      }
      // Ferry-Source pairs with Ferry-Component: each component's repository at its checkout's HEAD.
      const bySource = ws.components.map((c) => (heads.get(c.repo) ? `${c.repo}@${heads.get(c.repo)}` : undefined));
      const sources = values.source && values.source.length > 0 ? values.source : bySource.every((x) => x !== undefined) ? bySource : [];
      if (sources.length === 0) io.stderr("ferry publish: the app directories are not git checkouts; no Ferry-Source trailer (pass --source REPO@SHA)\n");
      const components = [...rendered.map((r) => `${r.release.metadata.project}/${r.release.metadata.component}`), ...removed];
      const releases = [...rendered.map((r) => r.release.metadata.name), ...removed.map(() => "none")];
      const subject = values.message ?? `ferry: publish ${components.length} component(s) to ${env.name}`;
      const body = [
        ...rendered.map((r) => `- ${r.release.metadata.project}/${r.release.metadata.component} ${r.release.metadata.name}`),
        ...removed.map((d) => `- ${d} removed`),
      ].join("\n");
      const result = await publishToGit({
        target,
        changes,
        message: `${subject}\n\n${body}`,
        trailers: {
          [TRAILERS.component]: components,
          [TRAILERS.environment]: env.name,
          [TRAILERS.release]: releases,
          ...(sources.length > 0 ? { [TRAILERS.source]: sources } : {}),
        },
        cacheDir,
      });
      if (values.json)
        io.stdout(
          `${JSON.stringify({ environment: env.name, target, changed: result.changed, commit: result.commit, components }, (k, v: unknown) => (k === "token" ? undefined : v), 2)}\n`,
        );
      else if (result.changed) io.stdout(`${env.name}: committed ${result.commit} to ${target.url} ${target.branch} (${components.length} component(s))\n`);
      else io.stdout(`${env.name}: nothing changed in ${target.url} ${target.branch}\n`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof GitopsError) {
        io.stderr(`ferry publish: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
  },
};
