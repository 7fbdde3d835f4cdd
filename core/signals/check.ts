/**
 * Checking the observability settings of a platform and its component types: endpoint names, the
 * endpoint each cluster names, the signals each `verify` names, and every signal query's variables
 * and PromQL syntax, each finding at its file, line and column (inside a query: the character).
 */
import type { Diagnostic } from "../../renderers/diagnostics.js";
import type { Loaded } from "../../renderers/load.js";
import type { ComponentType, Platform, Signals } from "../../renderers/model/index.js";
import { diagnosticAt } from "../../renderers/yaml.js";
import type { SourceDocument } from "../../renderers/yaml.js";
import { BUILTIN_TYPE_SIGNALS } from "./defaults.js";
import { promqlSyntaxError } from "./promql.js";
import { SIGNAL_VARIABLES, substitute, unknownVariables } from "./template.js";

/** What the variables stand for while a query's syntax is checked. */
const PLACEHOLDERS: Readonly<Record<string, string>> = { namespace: "ns", component: "component", project: "project", release: "release", window: "5m" };

/** Every observability problem of the platform and the platform repository's component types. */
export function checkObservability(platform: Loaded<Platform>, componentTypes: readonly Loaded<ComponentType>[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const doc = platform.source;
  const { spec } = platform.value;

  const endpoints = new Set<string>();
  (spec.observability?.prometheus ?? []).forEach((p, i) => {
    if (endpoints.has(p.name))
      out.push(diagnosticAt(doc, ["spec", "observability", "prometheus", i, "name"], `prometheus endpoint ${JSON.stringify(p.name)} is declared twice`));
    endpoints.add(p.name);
  });
  const known = [...endpoints].sort();
  const unknownEndpoint = (name: string | undefined, path: (string | number)[]) => {
    if (name === undefined || endpoints.has(name)) return;
    out.push(
      diagnosticAt(
        doc,
        path,
        `unknown prometheus endpoint ${JSON.stringify(name)}; ${known.length ? `known: ${known.join(", ")}` : "spec.observability.prometheus declares none"}`,
      ),
    );
  };
  spec.environments.forEach((env, i) => {
    unknownEndpoint(env.cluster?.prometheus, ["spec", "environments", i, "cluster", "prometheus"]);
    (env.clusters ?? []).forEach((c, j) => unknownEndpoint(c.prometheus, ["spec", "environments", i, "clusters", j, "prometheus"]));
  });

  const defined = new Set<string>([
    ...Object.values(BUILTIN_TYPE_SIGNALS).flatMap((s) => Object.keys(s)),
    ...Object.keys(spec.signals ?? {}),
    ...componentTypes.flatMap((t) => Object.keys(t.value.spec.signals ?? {})),
  ]);
  const observed = new Set(spec.environments.filter((e) => e.cluster?.prometheus !== undefined).map((e) => e.name));
  spec.pipeline.forEach((step, i) => {
    if (!step.verify) return;
    for (const name of Object.keys(step.verify.signals)) {
      if (!defined.has(name)) {
        out.push(
          diagnosticAt(
            doc,
            ["spec", "pipeline", i, "verify", "signals", name],
            `no signal ${JSON.stringify(name)}: spec.signals, a component type's spec.signals or the built-in types' defaults (${[...defined].sort().join(", ")}) must define it`,
            { key: true },
          ),
        );
      }
    }
    step.to.forEach((to, j) => {
      if (!observed.has(to)) {
        out.push(
          diagnosticAt(
            doc,
            ["spec", "pipeline", i, "to", j],
            `environment ${JSON.stringify(to)} names no cluster.prometheus: its verification will never be observed, and the release never verified there`,
            { severity: "warning" },
          ),
        );
      }
    });
  });

  out.push(...checkSignalQueries(doc, ["spec", "signals"], spec.signals));
  Object.entries(spec.observability?.links ?? {}).forEach(([name, template]) => {
    out.push(...variableErrors(doc, ["spec", "observability", "links", name], template));
  });
  for (const t of componentTypes) out.push(...checkSignalQueries(t.source, ["spec", "signals"], t.value.spec.signals));
  return out;
}

/** Each query's unknown variables and its first PromQL syntax error, located in the file. */
export function checkSignalQueries(doc: SourceDocument, at: readonly (string | number)[], signals: Signals | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, signal] of Object.entries(signals ?? {})) {
    const path = [...at, name, "query"];
    const unknown = variableErrors(doc, path, signal.query);
    out.push(...unknown);
    if (unknown.length > 0) continue;
    const concrete = substitute(signal.query, PLACEHOLDERS);
    const error = promqlSyntaxError(concrete.text);
    if (error) out.push(located(doc, path, concrete.templateOffset(error.offset), error.message, "signal/promql"));
  }
  return out;
}

function variableErrors(doc: SourceDocument, path: readonly (string | number)[], template: string): Diagnostic[] {
  return unknownVariables(template).map((v) =>
    located(doc, path, v.offset, `unknown variable \${${v.name}}; a signal may use ${SIGNAL_VARIABLES.map((n) => `\${${n}}`).join(", ")}`, "signal/variable"),
  );
}

function located(doc: SourceDocument, path: readonly (string | number)[], offset: number, message: string, code: string): Diagnostic {
  return { ...diagnosticAt(doc, path, message, { code }), ...doc.locateInString(path, offset) };
}
