/**
 * App repositories: their components checked against the platform and against each other,
 * then frozen into releases.
 */
import type { Diagnostic } from "./diagnostics.js";
import { diagnosticAt } from "./yaml.js";
import type { SourceDocument } from "./yaml.js";
import { loadAppComponents } from "./load.js";
import type { FileMap, Loaded } from "./load.js";
import { namespaceFor } from "./model/index.js";
import type { Component, Environment, Platform } from "./model/index.js";
import type { PlatformBundle } from "./platform.js";
import { cutRelease, substituteGitSha } from "./release.js";
import type { Release } from "./release.js";
import type { Locator, ResolvedDependency } from "./types.js";

/** One app repository's `.ferry/` files. */
export interface AppSource {
  /** `owner/name`, checked against the projects' `repos`. */
  readonly repo: string;
  /** Prefix for file names in messages (the checkout directory for the CLI). */
  readonly root: string;
  readonly files: FileMap;
  /** Commit the files are from; replaces `${{ git.sha }}` in images. */
  readonly sha?: string;
}

/** A checked component and the release cut from it. */
export interface AppComponent {
  readonly repo: string;
  readonly component: Component;
  readonly source: SourceDocument;
  readonly release: Release;
  readonly locate: Locator;
}

/** What other components look like, for dependency resolution: `project/component` → component. */
export type Catalog = ReadonlyMap<string, Component>;

export function catalogKey(project: string, component: string): string {
  return `${project}/${component}`;
}

export function locatorFor(source: SourceDocument): Locator {
  return (path, opts) => ({ file: source.file, ...source.locate(path, opts) });
}

/** An app repository's `Component` documents, parsed and checked for shape (not yet against the platform). */
export interface ParsedApp extends AppSource {
  readonly components: readonly Loaded<Component>[];
}

/** Parses an app repository's `.ferry/*.yaml`; problems are pushed to `diagnostics`. */
export function parseApp(app: AppSource, diagnostics: Diagnostic[]): ParsedApp {
  return { ...app, components: loadAppComponents(app.root, app.files, diagnostics) };
}

/**
 * Loads and checks the components of app repositories. Components with errors are left out and
 * their errors pushed; `extraCatalog` holds components known from elsewhere (the GitOps repo)
 * that dependencies may point at.
 */
export function loadApps(bundle: PlatformBundle, apps: readonly AppSource[], diagnostics: Diagnostic[], extraCatalog: Catalog = new Map()): AppComponent[] {
  const parsed = apps.map((app) => parseApp(app, diagnostics));
  return checkApps(bundle, parsed, diagnostics, extraCatalog);
}

/** {@link loadApps} on repositories already parsed. */
export function checkApps(bundle: PlatformBundle, apps: readonly ParsedApp[], diagnostics: Diagnostic[], extraCatalog: Catalog = new Map()): AppComponent[] {
  const loaded: { repo: string; root: string; sha?: string; item: Loaded<Component> }[] = [];
  for (const app of apps) {
    for (const item of app.components) loaded.push({ repo: app.repo, root: app.root, sha: app.sha, item });
  }
  const catalog = new Map(extraCatalog);
  const seen = new Map<string, SourceDocument>();
  for (const { item } of loaded) {
    const key = catalogKey(item.value.metadata.project, item.value.metadata.name);
    const first = seen.get(key);
    if (first) {
      const at = first.locate(["metadata", "name"]);
      diagnostics.push(diagnosticAt(item.source, ["metadata", "name"], `component ${key} is already declared at ${first.file}:${at.line}:${at.column}`));
    } else {
      seen.set(key, item.source);
      catalog.set(key, item.value);
    }
  }
  const out: AppComponent[] = [];
  for (const { repo, root, sha, item } of loaded) {
    const errors = checkComponent(bundle, repo, item, catalog);
    diagnostics.push(...errors);
    if (errors.some((d) => d.severity === "error")) continue;
    const component = substituteGitSha(item.value, sha);
    const type = bundle.componentTypes.get(component.spec.type);
    if (!type) continue;
    const traits = component.spec.traits.map((t) => bundle.traits.get(t.type)).filter((t) => t !== undefined);
    const source = { repo, file: repositoryPath(root, item.source.file) };
    out.push({ repo, component, source: item.source, release: cutRelease(component, type, traits, source), locate: locatorFor(item.source) });
  }
  return out.sort(
    (a, b) => a.release.metadata.project.localeCompare(b.release.metadata.project) || a.release.metadata.component.localeCompare(b.release.metadata.component),
  );
}

/** A file's path inside its repository, from the display path `root/<path>` loading gave it. */
export function repositoryPath(root: string, file: string): string {
  if (!root || root === ".") return file;
  const prefix = `${root.replace(/\/+$/, "")}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : file;
}

/**
 * The `project/component` keys an app repository declares for projects that list it, whether
 * or not the components are valid (used to tell which components a change removes).
 */
export function declaredKeys(platform: Platform, app: ParsedApp): Set<string> {
  const repo = app.repo.toLowerCase();
  const mine = new Set(platform.spec.projects.filter((p) => p.repos.some((r) => r.toLowerCase() === repo)).map((p) => p.name));
  return new Set(app.components.filter((c) => mine.has(c.value.metadata.project)).map((c) => catalogKey(c.value.metadata.project, c.value.metadata.name)));
}

function checkComponent(bundle: PlatformBundle, repo: string, item: Loaded<Component>, catalog: Catalog): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { value: c, source: doc } = item;
  const platform = bundle.platform;
  const project = platform.spec.projects.find((p) => p.name === c.metadata.project);
  if (!project) {
    out.push(
      diagnosticAt(
        doc,
        ["metadata", "project"],
        `unknown project ${JSON.stringify(c.metadata.project)}; the platform declares ${platform.spec.projects.map((p) => p.name).join(", ")}`,
      ),
    );
  } else if (!project.repos.some((r) => r.toLowerCase() === repo.toLowerCase())) {
    out.push(
      diagnosticAt(
        doc,
        ["metadata", "project"],
        `repository ${repo} may not declare components of project ${JSON.stringify(project.name)} (its repos: ${project.repos.join(", ") || "none"})`,
      ),
    );
  }
  if (!bundle.componentTypes.has(c.spec.type)) {
    out.push(
      diagnosticAt(
        doc,
        ["spec", "type"],
        `unknown component type ${JSON.stringify(c.spec.type)}; known: ${[...bundle.componentTypes.keys()].sort().join(", ")}`,
      ),
    );
  }
  c.spec.traits.forEach((t, i) => {
    if (!bundle.traits.has(t.type)) {
      out.push(
        diagnosticAt(doc, ["spec", "traits", i, "type"], `unknown trait ${JSON.stringify(t.type)}; known: ${[...bundle.traits.keys()].sort().join(", ")}`),
      );
    }
  });
  const envNames = new Set(platform.spec.environments.map((e) => e.name));
  for (const env of Object.keys(c.spec.environments)) {
    if (!envNames.has(env)) {
      out.push(
        diagnosticAt(doc, ["spec", "environments", env], `unknown environment ${JSON.stringify(env)}; the platform has ${[...envNames].join(", ")}`, {
          key: true,
        }),
      );
    }
  }
  c.spec.dependencies.forEach((dep, i) => {
    const targetProject = dep.project ?? c.metadata.project;
    const target = catalog.get(catalogKey(targetProject, dep.component));
    const at = ["spec", "dependencies", i];
    if (!target) {
      out.push(diagnosticAt(doc, [...at, "component"], `depends on component ${targetProject}/${dep.component}, which no repository declares`));
      return;
    }
    const endpoint = target.spec.endpoints[dep.endpoint];
    if (!endpoint) {
      const names = Object.keys(target.spec.endpoints);
      out.push(
        diagnosticAt(
          doc,
          [...at, "endpoint"],
          `component ${targetProject}/${dep.component} has no endpoint ${JSON.stringify(dep.endpoint)} (it has ${names.length ? names.join(", ") : "none"})`,
        ),
      );
      return;
    }
    const crossProject = targetProject !== c.metadata.project;
    const visible = crossProject ? endpoint.visibility.includes("organization") : endpoint.visibility.some((v) => v === "project" || v === "organization");
    if (!visible) {
      out.push(
        diagnosticAt(
          doc,
          [...at, "endpoint"],
          `endpoint ${dep.endpoint} of ${targetProject}/${dep.component} is not visible to ${crossProject ? "other projects (needs visibility organization)" : "its project (needs visibility project)"}`,
        ),
      );
    }
    if (targetProject === c.metadata.project && dep.component === c.metadata.name) {
      out.push(diagnosticAt(doc, [...at, "component"], "a component cannot depend on itself"));
    }
  });
  return out;
}

const SCHEMES: Record<string, string> = { HTTP: "http", GraphQL: "http", Websocket: "ws", gRPC: "grpc" };

/** Resolves a component's dependencies for one environment into literal addresses. */
export function resolveDependencies(
  component: Component,
  env: Environment,
  catalog: Catalog,
  namespaceOf: (project: string, component: string) => string = (project) => namespaceFor(env, project),
): ResolvedDependency[] {
  const out: ResolvedDependency[] = [];
  for (const dep of component.spec.dependencies) {
    const project = dep.project ?? component.metadata.project;
    const target = catalog.get(catalogKey(project, dep.component));
    const endpoint = target?.spec.endpoints[dep.endpoint];
    if (!endpoint) continue; // reported by checkComponent
    const namespace = namespaceOf(project, dep.component);
    const host = `${dep.component}.${namespace}.svc.cluster.local`;
    const scheme = SCHEMES[endpoint.type] ?? "tcp";
    out.push({
      project,
      component: dep.component,
      endpoint: dep.endpoint,
      endpointType: endpoint.type,
      namespace,
      host,
      port: endpoint.port,
      url: `${scheme}://${host}:${endpoint.port}${endpoint.basePath ?? ""}`,
      env: dep.env,
    });
  }
  return out;
}
