/**
 * Ferry's built-in component types and traits.
 *
 * They are written in Ferry's own ComponentType and Trait format (the YAML files beside this
 * module), so platform engineers can read them as examples and replace any of them by name.
 * Reading them is I/O at the edge: callers load them once per run and pass them on.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../renderers/diagnostics.js";
import { FerryInputError } from "../renderers/diagnostics.js";
import { checkDocument } from "../renderers/load.js";
import type { ComponentType, Trait } from "../renderers/model/index.js";
import { diagnosticAt, parseYamlDocuments } from "../renderers/yaml.js";
import type { SourceDocument } from "../renderers/yaml.js";

/** The built-in component types and traits, by name. */
export interface BuiltinTemplates {
  readonly componentTypes: Map<string, ComponentType>;
  readonly traits: Map<string, Trait>;
}

/** Where the built-in YAML files live. */
export interface BuiltinLocation {
  /**
   * Directory holding `component-types/` and `traits/`.
   * @default the directory of this module
   */
  readonly dir?: URL;
}

/**
 * Reads and checks every built-in ComponentType and Trait. Throws a FerryInputError listing
 * every problem when a built-in is invalid (a broken installation, never a user error).
 * No caching: each call reads the files again, so call it once per run.
 */
export function loadBuiltins(location: BuiltinLocation = {}): BuiltinTemplates {
  const dir = location.dir ?? new URL("./", import.meta.url);
  const diagnostics: Diagnostic[] = [];
  const componentTypes = new Map<string, ComponentType>();
  const traits = new Map<string, Trait>();
  for (const { doc, stem } of readFolder(new URL("component-types/", dir), "component-types", diagnostics)) {
    const loaded = checkDocument(doc, ["ComponentType"], diagnostics);
    if (loaded) addNamed(componentTypes, loaded.value, doc, stem, diagnostics);
  }
  for (const { doc, stem } of readFolder(new URL("traits/", dir), "traits", diagnostics)) {
    const loaded = checkDocument(doc, ["Trait"], diagnostics);
    if (loaded) addNamed(traits, loaded.value, doc, stem, diagnostics);
  }
  if (diagnostics.length > 0) throw new FerryInputError(diagnostics);
  return { componentTypes, traits };
}

function readFolder(url: URL, display: string, diagnostics: Diagnostic[]): { doc: SourceDocument; stem: string }[] {
  const names = readdirSync(fileURLToPath(url))
    .filter((n) => /\.ya?ml$/.test(n))
    .sort();
  return names.flatMap((name) =>
    parseYamlDocuments(`templates/${display}/${name}`, readFileSync(new URL(name, url), "utf8"), diagnostics).map((doc) => ({
      doc,
      stem: name.replace(/\.ya?ml$/, ""),
    })),
  );
}

function addNamed<T extends { metadata: { name: string } }>(
  into: Map<string, T>,
  value: T,
  doc: SourceDocument,
  stem: string,
  diagnostics: Diagnostic[],
): void {
  const name = value.metadata.name;
  if (name !== stem) {
    diagnostics.push(diagnosticAt(doc, ["metadata", "name"], `built-in ${JSON.stringify(name)} must live in ${name}.yaml`));
  } else if (into.has(name)) {
    diagnostics.push(diagnosticAt(doc, ["metadata", "name"], `built-in ${JSON.stringify(name)} is defined twice`));
  } else {
    into.set(name, value);
  }
}
