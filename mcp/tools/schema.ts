/** ferry_schema: `ferry schema` (operations/schema.ts): the JSON Schema of a Ferry file kind. */
import { z } from "zod";
import { SchemaInput, jsonSchema } from "../../operations/schema.js";
import { LOCAL_READ, defineTool } from "./tool.js";

export const schemaTool = defineTool({
  name: "ferry_schema",
  title: "JSON Schema of a kind",
  description: "The JSON Schema of a Ferry file kind (Platform, Component, ComponentType, Trait, Policy, Release...), as editors use it.",
  input: { kind: SchemaInput.shape.kind.describe("the file kind") },
  output: { kind: z.string(), schema: z.record(z.string(), z.unknown()) },
  annotations: LOCAL_READ,
  writes: false,
  async run({ kind }) {
    const schema = jsonSchema(kind) as Record<string, unknown>;
    return { structured: { kind, schema }, text: JSON.stringify(schema, null, 2) };
  },
});
