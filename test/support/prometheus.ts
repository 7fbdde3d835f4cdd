/**
 * Reading a `/metrics` answer the way Prometheus does: the text exposition format parsed by
 * `parse-prometheus-text-format` (a port of the Prometheus Python client's parser). It folds the
 * series of a labelled histogram into one (bucket counts of the last label set, no labels, no
 * count or sum): read a histogram through it only when it has one series.
 */
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import type { PrometheusFamily, PrometheusSample } from "parse-prometheus-text-format";

export type { PrometheusFamily, PrometheusSample };

/** Parses the text; throws on text Prometheus would refuse. */
export function parseMetrics(text: string): PrometheusFamily[] {
  return parsePrometheusTextFormat(text);
}

/** The family named `name`; throws when it is missing. */
export function family(families: readonly PrometheusFamily[], name: string): PrometheusFamily {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`no metric ${name} in ${families.map((f) => f.name).join(", ")}`);
  return found;
}

/** The samples of `name` whose labels include `labels`. */
export function samples(families: readonly PrometheusFamily[], name: string, labels: Readonly<Record<string, string>> = {}): PrometheusSample[] {
  return family(families, name).metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

/** The value of the one sample of `name` with `labels` (a counter or gauge); throws unless exactly one matches. */
export function value(families: readonly PrometheusFamily[], name: string, labels: Readonly<Record<string, string>> = {}): number {
  const found = samples(families, name, labels);
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return Number(found[0]!.value);
}
