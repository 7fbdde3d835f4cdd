/** A generated org of N components over several projects and app repos, as in-memory files. */
import type { AppSource } from "../renderers/apps.js";

export interface GeneratedOrg {
  readonly platformFiles: Map<string, string>;
  readonly apps: AppSource[];
}

const TYPES = ["service", "web-application", "worker", "scheduled-task"] as const;

/** `components` components spread over projects of 50, one app repo per 10 components. */
export function generateOrg(components: number, environments: readonly string[] = ["dev", "staging", "prod"]): GeneratedOrg {
  const perProject = 50;
  const projects = Math.ceil(components / perProject);
  const projectList = Array.from(
    { length: projects },
    (_, p) => `    - name: proj-${p}\n      repos: [${Array.from({ length: perProject / 10 }, (_, r) => `org/p${p}-repo${r}`).join(", ")}]`,
  ).join("\n");
  const envList = environments
    .map(
      (e, i) => `    - name: ${e}\n      production: ${i === environments.length - 1}\n      gitops: {repo: org/gitops, branch: main, path: environments/${e}}`,
    )
    .join("\n");
  const pipeline = environments
    .slice(1)
    .map((e, i) => `    - from: ${environments[i]}\n      to: [${e}]`)
    .join("\n");
  const platform = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: bench}
spec:
  projects:
${projectList}
  environments:
${envList}
  pipeline:
${pipeline || "    []"}
`;
  const repos = new Map<string, string[]>();
  for (let i = 0; i < components; i++) {
    const p = Math.floor(i / perProject);
    const repo = `org/p${p}-repo${Math.floor((i % perProject) / 10)}`;
    const type = TYPES[i % TYPES.length]!;
    const name = `c${i}`;
    const prev = i % perProject > 0 && TYPES[(i - 1) % TYPES.length] !== "worker" && TYPES[(i - 1) % TYPES.length] !== "scheduled-task";
    const visibility = type === "web-application" ? "[project, organization, public]" : "[project, organization]";
    const endpoints = type === "service" || type === "web-application" ? `  endpoints:\n    http: {type: HTTP, port: 8080, visibility: ${visibility}}\n` : "";
    const deps = prev ? `  dependencies:\n    - {component: c${i - 1}, endpoint: http, env: {url: UPSTREAM_URL}}\n` : "";
    const params = type === "scheduled-task" ? `  parameters: {schedule: "*/5 * * * *"}\n` : "";
    const traits =
      type === "service"
        ? `  traits:\n    - {type: autoscaler, name: cpu, parameters: {minReplicas: 2, maxReplicas: 5, targetCPUUtilization: 70}}\n`
        : type === "web-application"
          ? `  traits:\n    - {type: route, name: public, parameters: {endpoint: http, host: ${name}.example.com}}\n    - {type: pod-disruption-budget, name: pdb, parameters: {maxUnavailable: 1}}\n`
          : "";
    const probe = endpoints ? `    probes:\n      readiness: {httpGet: {path: /healthz, port: http}}\n` : "";
    const doc = `apiVersion: ferry.dev/v1alpha1
kind: Component
metadata: {name: ${name}, project: proj-${p}}
spec:
  type: ${type}
  container:
    image: ghcr.io/org/${name}:1.${i}.0
    env:
      - {name: LOG_LEVEL, value: info}
      - {name: DB_PASSWORD, secretRef: {name: ${name}-db, key: password}}
    files:
      - {mountPath: /etc/${name}/config.yaml, value: "feature: on\\n"}
    resources: {cpu: 100m, memory: 128Mi}
${probe}${endpoints}${deps}${params}${traits}  environments:
    ${environments[environments.length - 1]}: {${type === "scheduled-task" ? "suspend: false" : "replicas: 3"}}
`;
    repos.set(repo, [...(repos.get(repo) ?? []), doc]);
  }
  const apps: AppSource[] = [...repos].map(([repo, docs]) => ({
    repo,
    root: `apps/${repo}`,
    files: new Map(docs.map((d, i) => [`.ferry/component-${i}.yaml`, d])),
  }));
  return { platformFiles: new Map([[".ferry/platform.yaml", platform]]), apps };
}
