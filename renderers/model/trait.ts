/** `kind: Trait`: an add-on a component opts into; creates resources and patches rendered ones. */
import { z } from "zod";
import { ApiVersion, NamedMetadata, OpenApiSchema, Validation } from "./common.js";

export const TraitCreate = z.strictObject({
  includeWhen: z.string().optional(),
  template: z.record(z.string(), z.unknown()),
});
export type TraitCreate = z.infer<typeof TraitCreate>;

export const PatchOperation = z.strictObject({
  op: z.enum(["add", "remove", "replace", "move", "copy", "test"]),
  path: z.string().regex(/^(\/([^~/]|~[01])*)*$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a JSON Pointer` }),
  value: z.unknown().optional(),
  from: z.string().optional(),
});
export type PatchOperation = z.infer<typeof PatchOperation>;

export const TraitPatch = z.strictObject({
  target: z.strictObject({
    group: z.string().default(""),
    version: z.string().min(1),
    kind: z.string().min(1),
    name: z.string().optional(),
  }),
  includeWhen: z.string().optional(),
  operations: z.array(PatchOperation).min(1),
});
export type TraitPatch = z.infer<typeof TraitPatch>;

export const TraitSpec = z.strictObject({
  parameters: OpenApiSchema.optional(),
  environmentConfigs: OpenApiSchema.optional(),
  validations: z.array(Validation).default([]),
  creates: z.array(TraitCreate).default([]),
  patches: z.array(TraitPatch).default([]),
});
export type TraitSpec = z.infer<typeof TraitSpec>;

export const Trait = z.strictObject({
  apiVersion: ApiVersion,
  kind: z.literal("Trait"),
  metadata: NamedMetadata,
  spec: TraitSpec,
});
export type Trait = z.infer<typeof Trait>;
