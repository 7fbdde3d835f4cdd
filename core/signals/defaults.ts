/**
 * The golden signals Ferry's built-in component types come with, from the metric names the common
 * exporters publish (docs/signals.md): the usual HTTP server metrics (`http_requests_total` with a
 * `code` label, `http_request_duration_seconds` histogram) with the pod's `ferry.dev/component` label
 * as `ferry_dev_component`, kube-state-metrics and cAdvisor (through the kubelet). The platform's
 * `spec.signals` replace them by name, a ComponentType's `spec.signals` replace both.
 */
import type { Signals } from "../../renderers/model/index.js";

/** The pods of a component's Deployment, StatefulSet or CronJob (`<name>-<hash>-<id>`, `<name>-<ordinal>`), not of `<name>-other`. */
const POD = "${component}-[a-z0-9]+(-[a-z0-9]+)?";
const HTTP = 'namespace="${namespace}",ferry_dev_component="${component}"';
const PODS = `namespace="\${namespace}",pod=~"${POD}"`;
const CONTAINERS = `${PODS},container!="",container!="POD"`;

export const HTTP_SIGNALS: Signals = {
  errorRate: {
    query: `sum(rate(http_requests_total{${HTTP},code=~"5.."}[\${window}])) / sum(rate(http_requests_total{${HTTP}}[\${window}]))`,
    unit: "ratio",
  },
  latencyP95: {
    query: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${HTTP}}[\${window}])))`,
    unit: "seconds",
  },
};

export const POD_SIGNALS: Signals = {
  restarts: {
    query: `sum(increase(kube_pod_container_status_restarts_total{${PODS}}[\${window}]))`,
    unit: "count",
  },
  cpu: {
    query: `sum(rate(container_cpu_usage_seconds_total{${CONTAINERS}}[\${window}])) / sum(kube_pod_container_resource_requests{${PODS},resource="cpu"})`,
    unit: "ratio",
  },
  memory: {
    query: `sum(max_over_time(container_memory_working_set_bytes{${CONTAINERS}}[\${window}])) / sum(kube_pod_container_resource_requests{${PODS},resource="memory"})`,
    unit: "ratio",
  },
};

/** Default signals of each built-in component type: HTTP ones where the type serves HTTP. */
export const BUILTIN_TYPE_SIGNALS: Readonly<Record<string, Signals>> = {
  service: { ...HTTP_SIGNALS, ...POD_SIGNALS },
  "web-application": { ...HTTP_SIGNALS, ...POD_SIGNALS },
  worker: POD_SIGNALS,
  "scheduled-task": POD_SIGNALS,
};
