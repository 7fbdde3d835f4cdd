import { jsonSchema } from "../../operations/schema.js";
import { parse } from "../args.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";

export const schema: Command = {
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
