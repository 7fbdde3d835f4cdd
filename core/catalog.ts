/**
 * The Backstage catalog of Ferry's components. Pure.
 *
 * Per project: a `System` (in the Backstage namespace named after the project) and a `Location`
 * that points at the project's component files; per component: a `Component` and an `API` per
 * endpoint. The files, the same for `ferry catalog --out` and in each GitOps repository:
 *
 * ```
 * catalog/<project>.yaml                           System + Location (./<project>/*\/catalog-info.yaml)
 * catalog/<project>/<component>/catalog-info.yaml  Component + its APIs
 * ```
 *
 * A release commit writes its component's file and its project's file, so the GitOps repository's
 * catalog always describes the last release published there, and a removal prunes the component's
 * directory. Owners are references to groups Backstage knows from elsewhere (its GitHub org
 * provider): the catalog emits no Group entities.
 */
import { createHash } from "node:crypto";
import { toYaml } from "../renderers/canonical.js";
import type { Component, Project } from "../renderers/model/index.js";
import { LABELS } from "./gitops/layout.js";
import type { DirectoryChange } from "./gitops/request.js";

/** The catalog's folder in a GitOps repository. */
export const CATALOG_DIR = "catalog";

/** Where a project's file sits inside the catalog's folder. */
export function projectCatalogFile(project: string): string {
  return `${project}.yaml`;
}

/** Where a component's directory sits inside the catalog's folder (holds `catalog-info.yaml`). */
export function componentCatalogDir(project: string, component: string): string {
  return `${project}/${component}`;
}

export const COMPONENT_CATALOG_FILE = "catalog-info.yaml";

/** A Backstage entity as Ferry writes it. */
export interface CatalogEntity {
  readonly apiVersion: "backstage.io/v1alpha1";
  readonly kind: "System" | "Component" | "API" | "Location";
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly title?: string;
    readonly description?: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly tags?: readonly string[];
  };
  readonly spec: Readonly<Record<string, unknown>>;
}

/** Where a component's source lives, for the `github.com/project-slug` and `backstage.io/source-location` annotations. */
export interface CatalogSource {
  /** `owner/name` of the app repository. */
  readonly repo: string;
  /** The commit the release was cut from. @default HEAD */
  readonly ref?: string;
  /** The GitHub web host. @default https://github.com */
  readonly serverUrl?: string;
}

/** One component as the catalog describes it. */
export interface CatalogComponent {
  readonly component: Component;
  readonly source?: CatalogSource;
}

/** Owner of entities whose project names none. */
export const UNKNOWN_OWNER = "unknown";

/** The entity name of a component's endpoint API: `<component>-<endpoint>`, shortened with a hash past Backstage's 63 characters. */
export function apiName(component: string, endpoint: string): string {
  const name = `${component}-${endpoint}`;
  if (name.length <= 63) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, 54).replace(/-+$/, "")}-${hash}`;
}

/** `backstage.io/kubernetes-label-selector`: the labels the renderer stamps on every object of the component. */
export function kubernetesSelector(project: string, component: string): string {
  return `${LABELS.project}=${project},${LABELS.component}=${component}`;
}

const API_TYPES: Readonly<Record<string, string>> = { HTTP: "openapi", gRPC: "grpc", GraphQL: "graphql", Websocket: "asyncapi", TCP: "tcp", UDP: "udp" };

function sourceAnnotations(source: CatalogSource | undefined): Record<string, string> {
  if (!source) return {};
  const server = (source.serverUrl ?? "https://github.com").replace(/\/+$/, "");
  return {
    "github.com/project-slug": source.repo,
    "backstage.io/source-location": `url:${server}/${source.repo}/tree/${source.ref ?? "HEAD"}/`,
  };
}

/** The System and Location of a project. */
export function projectEntities(project: Pick<Project, "name" | "owner">): CatalogEntity[] {
  const owner = project.owner ?? UNKNOWN_OWNER;
  return [
    {
      apiVersion: "backstage.io/v1alpha1",
      kind: "System",
      metadata: { name: project.name, namespace: project.name, description: `Ferry project ${project.name}` },
      spec: { owner },
    },
    {
      apiVersion: "backstage.io/v1alpha1",
      kind: "Location",
      metadata: { name: `${project.name}-components`, namespace: project.name, description: `The components of Ferry project ${project.name}` },
      spec: { type: "url", target: `./${componentCatalogDir(project.name, "*")}/${COMPONENT_CATALOG_FILE}` },
    },
  ];
}

/** The Component and its APIs. */
export function componentEntities(input: CatalogComponent, owner: string = UNKNOWN_OWNER): CatalogEntity[] {
  const { component, source } = input;
  const project = component.metadata.project;
  const name = component.metadata.name;
  const endpoints = Object.entries(component.spec.endpoints).sort(([a], [b]) => a.localeCompare(b));
  const deps = component.spec.dependencies.map((d) => ({ project: d.project ?? project, component: d.component, endpoint: d.endpoint }));
  const unique = (xs: readonly string[]) => [...new Set(xs)].sort();
  const annotations = {
    ...sourceAnnotations(source),
    "backstage.io/kubernetes-label-selector": kubernetesSelector(project, name),
  };
  const entity: CatalogEntity = {
    apiVersion: "backstage.io/v1alpha1",
    kind: "Component",
    metadata: { name, namespace: project, annotations, tags: ["ferry", component.spec.type] },
    spec: {
      type: component.spec.type,
      lifecycle: "production",
      owner,
      system: `system:${project}/${project}`,
      dependsOn: unique(deps.map((d) => `component:${d.project}/${d.component}`)),
      providesApis: endpoints.map(([e]) => `api:${project}/${apiName(name, e)}`),
      consumesApis: unique(deps.map((d) => `api:${d.project}/${apiName(d.component, d.endpoint)}`)),
    },
  };
  const apis: CatalogEntity[] = endpoints.map(([endpoint, e]) => ({
    apiVersion: "backstage.io/v1alpha1",
    kind: "API",
    metadata: {
      name: apiName(name, endpoint),
      namespace: project,
      description: `${e.type} endpoint ${endpoint} of ${project}/${name} on port ${e.port}${e.basePath ? ` at ${e.basePath}` : ""}, visible to ${e.visibility.join(", ")}`,
      annotations: sourceAnnotations(source),
      tags: ["ferry", ...e.visibility.map((v) => `visibility-${v}`)],
    },
    spec: {
      type: API_TYPES[e.type] ?? "unknown",
      lifecycle: "production",
      owner,
      system: `system:${project}/${project}`,
      definition: `${e.type} on port ${e.port}${e.basePath ? `, base path ${e.basePath}` : ""}`,
    },
  }));
  return [entity, ...apis];
}

/** Several entities as one multi-document YAML file. */
export function entitiesYaml(entities: readonly CatalogEntity[]): string {
  return entities.map((e) => toYaml(e)).join("---\n");
}

/** The catalog's files (paths relative to its folder) of these projects and components. */
export function catalogFiles(projects: readonly Pick<Project, "name" | "owner">[], components: readonly CatalogComponent[]): Map<string, string> {
  const owners = new Map(projects.map((p) => [p.name, p.owner ?? UNKNOWN_OWNER]));
  const files = new Map<string, string>();
  const used = new Set(components.map((c) => c.component.metadata.project));
  for (const p of projects.filter((x) => used.has(x.name))) files.set(projectCatalogFile(p.name), entitiesYaml(projectEntities(p)));
  for (const c of components) {
    const { project, name } = c.component.metadata;
    files.set(`${componentCatalogDir(project, name)}/${COMPONENT_CATALOG_FILE}`, entitiesYaml(componentEntities(c, owners.get(project))));
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * What a release commit writes to the catalog of its GitOps repository: the component's file
 * (its directory pruned) and its project's file.
 */
export function catalogChanges(project: Pick<Project, "name" | "owner">, component: CatalogComponent): DirectoryChange[] {
  const { name } = component.component.metadata;
  return [
    {
      dir: `${CATALOG_DIR}/${componentCatalogDir(project.name, name)}`,
      files: new Map([[COMPONENT_CATALOG_FILE, entitiesYaml(componentEntities(component, project.owner ?? UNKNOWN_OWNER))]]),
      prune: true,
    },
    { dir: CATALOG_DIR, files: new Map([[projectCatalogFile(project.name), entitiesYaml(projectEntities(project))]]), prune: false },
  ];
}

/** What a removal writes to the catalog: the component's directory goes. */
export function catalogRemoval(project: string, component: string): DirectoryChange {
  return { dir: `${CATALOG_DIR}/${componentCatalogDir(project, component)}`, files: new Map(), prune: true };
}
