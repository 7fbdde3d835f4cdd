/** Fake Kubernetes API server for tests: server, kubeconfig writer, certificates, object and scenario builders. */
export { FakeKube, type FakeKubeOptions, type PodLog, type RequestRecord, type ScenarioStep } from "./server.js";
export { kubeconfigYaml, writeKubeconfig, type KubeconfigContext } from "./kubeconfig.js";
export { generateCerts, type FakeKubeCerts } from "./certs.js";
export type { KubeObject, ObjectMeta, ObjectRef } from "./objects.js";
export * from "./scenarios.js";
