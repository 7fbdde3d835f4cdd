import { z } from "zod";
import { KINDS, isKindName } from "../../renderers/model/index.js";
import { Release } from "../../renderers/release.js";
import { parse } from "../args.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";

/** The JSON Schema of a kind, as published for editors (`# yaml-language-server: $schema=`). */
export function jsonSchema(kind: string): unknown {
  const schema = kind === "Release" ? Release : isKindName(kind) ? KINDS[kind] : undefined;
  if (!schema) throw new UsageError(`unknown kind ${JSON.stringify(kind)}; kinds: ${[...Object.keys(KINDS), "Release"].join(", ")}`);
  return { $id: `https://ferry.dev/schemas/v1alpha1/${kind}.json`, title: kind, ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) };
}

export const schema: Command = {
  summary: "print the JSON Schema of a file kind",
  help: `ferry schema <kind>

Prints the JSON Schema of Component, Platform, ComponentType, Trait, Policy or Release.

Examples:
  ferry schema Component > component.schema.json
  ferry schema Platform`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { json: { type: "boolean" } });
    if (values.help) {
      io.stdout(`${schema.help}\n`);
      return EXIT.ok;
    }
    const kind = positionals[0];
    if (!kind) throw new UsageError("ferry schema needs a kind");
    io.stdout(`${JSON.stringify(jsonSchema(kind), null, 2)}\n`);
    return EXIT.ok;
  },
};
