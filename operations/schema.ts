/** Schema: the JSON Schema of a Ferry file kind, as published for editors (`# yaml-language-server: $schema=`). */
import { z } from "zod";
import { KINDS, isKindName } from "../renderers/model/index.js";
import type { KindName } from "../renderers/model/index.js";
import { Release } from "../renderers/release.js";
import { UsageError } from "./errors.js";

/** Every kind with a schema: the platform and app file kinds, and Release. */
export const SCHEMA_KINDS = [...(Object.keys(KINDS) as [KindName, ...KindName[]]), "Release"] as const;

export const SchemaInput = z.object({ kind: z.enum(SCHEMA_KINDS) });
export type SchemaInput = Readonly<z.infer<typeof SchemaInput>>;

/** The JSON Schema of `kind`; an unknown kind is a usage error. */
export function jsonSchema(kind: string): unknown {
  const schema = kind === "Release" ? Release : isKindName(kind) ? KINDS[kind] : undefined;
  if (!schema) throw new UsageError(`unknown kind ${JSON.stringify(kind)}; kinds: ${SCHEMA_KINDS.join(", ")}`);
  return { $id: `https://ferry.dev/schemas/v1alpha1/${kind}.json`, title: kind, ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) };
}
