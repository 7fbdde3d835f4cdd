/**
 * Drift between environments: which release each runs per component, and, where two run the
 * same release, what differs between their manifests beyond what that release renders for each
 * (the component's `environments:` overrides and the platform's environment settings). Pure.
 */
import type { K8sObject } from "../../renderers/types.js";
import { undeclaredDiffs } from "./fields.js";
import type { DriftFinding, DriftNote, EnvironmentDrift, ReleaseRow } from "./model.js";
import { groupOf } from "./model.js";

/** One component as one environment holds it. */
export interface ComponentManifests {
  /** The release its files carry; undefined when none or several. */
  readonly release: string | undefined;
  /** The objects of its GitOps files. */
  readonly objects: readonly K8sObject[];
  /** The objects its release renders for this environment, or why they could not be rendered. */
  readonly expected: readonly K8sObject[] | { readonly problem: string };
}

/** One environment's components, keyed `project/component`. */
export interface EnvironmentManifests {
  readonly environment: string;
  readonly components: ReadonlyMap<string, ComponentManifests>;
}

/** What {@link environmentsDrift} found. */
export interface EnvironmentsDrift {
  readonly releases: readonly ReleaseRow[];
  readonly findings: readonly DriftFinding[];
  readonly notes: readonly DriftNote[];
}

/** `<group>/<kind>/<name>`: the same object in every environment (namespaces differ by design). */
function objectKey(o: K8sObject): string {
  return `${groupOf(o.apiVersion)}/${o.kind}/${o.metadata.name}`;
}

function byKey(objects: readonly K8sObject[]): Map<string, K8sObject> {
  return new Map(objects.map((o) => [objectKey(o), o]));
}

/** `metadata.namespace` dropped: where an object lives is the environment's, not the component's. */
function placeless(o: K8sObject | undefined): unknown {
  if (!o) return undefined;
  const { namespace: _ns, ...metadata } = o.metadata;
  return { ...o, metadata };
}

/** The differences of one component between `a` and `b`, which run the same release. */
function compare(component: string, a: string, b: string, ca: ComponentManifests, cb: ComponentManifests): EnvironmentDrift[] {
  const ea = ca.expected as readonly K8sObject[];
  const eb = cb.expected as readonly K8sObject[];
  const git = [byKey(ca.objects), byKey(cb.objects)] as const;
  const expected = [byKey(ea), byKey(eb)] as const;
  const keys = [...new Set([...git[0].keys(), ...git[1].keys(), ...expected[0].keys(), ...expected[1].keys()])].sort();
  const out: EnvironmentDrift[] = [];
  for (const key of keys) {
    const [ga, gb] = [git[0].get(key), git[1].get(key)];
    const [xa, xb] = [expected[0].get(key), expected[1].get(key)];
    const any = ga ?? gb ?? xa ?? xb;
    if (!any) continue;
    const object = `${any.kind} ${any.metadata.name}`;
    const presence = (x: unknown, y: unknown) => `${x !== undefined}/${y !== undefined}`;
    if (!ga || !gb) {
      if ((ga || gb) && presence(ga, gb) !== presence(xa, xb))
        out.push({ kind: "environments", component, environments: [a, b], object, onlyIn: ga ? a : b, fields: [] });
      continue;
    }
    const fields = undeclaredDiffs([a, b], [placeless(ga), placeless(gb)], [placeless(xa), placeless(xb)]);
    if (fields.length > 0) out.push({ kind: "environments", component, environments: [a, b], object, fields });
  }
  return out.sort((x, y) => (x.object < y.object ? -1 : x.object > y.object ? 1 : 0));
}

/**
 * Releases per component (every component of any environment, in environment order), a finding
 * for each component whose environments do not all run one release, and, within each set of
 * environments running the same release, each environment compared with the first of them.
 */
export function environmentsDrift(envs: readonly EnvironmentManifests[]): EnvironmentsDrift {
  const names = envs.map((e) => e.environment);
  const components = [...new Set(envs.flatMap((e) => [...e.components.keys()]))].sort();
  const releases: ReleaseRow[] = [];
  const findings: DriftFinding[] = [];
  const notes: DriftNote[] = [];
  for (const component of components) {
    const row: Record<string, string | null> = {};
    for (const e of envs) row[e.environment] = e.components.get(component)?.release ?? null;
    releases.push({ component, releases: row });
    if (envs.length > 1 && new Set(names.map((n) => row[n])).size > 1) findings.push({ kind: "release", component, releases: row });

    const groups = new Map<string, string[]>();
    for (const n of names) {
      const r = row[n];
      if (r) groups.set(r, [...(groups.get(r) ?? []), n]);
    }
    for (const [release, group] of groups) {
      const [first, ...rest] = group;
      if (first === undefined || rest.length === 0) continue;
      const held = (n: string) => envs.find((e) => e.environment === n)?.components.get(component) as ComponentManifests;
      const base = held(first);
      for (const other of rest) {
        const cmp = held(other);
        const problem = [base, cmp].map((c) => ("problem" in c.expected ? c.expected.problem : undefined)).find((p) => p !== undefined);
        if (problem !== undefined) {
          notes.push({ component, message: `${first} and ${other} (release ${release}) not compared: ${problem}` });
          continue;
        }
        findings.push(...compare(component, first, other, base, cmp));
      }
    }
  }
  return { releases, findings, notes };
}
