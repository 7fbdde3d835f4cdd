/** `kind: ComponentType`: a template for a kind of workload. */
import { z } from "zod";
import { ApiVersion, DnsLabel, NamedMetadata, OpenApiSchema, Validation } from "./common.js";
import { Signals } from "./signal.js";

export const WorkloadType = z.enum(["deployment", "statefulset", "cronjob", "job"]);
export type WorkloadType = z.infer<typeof WorkloadType>;

/** An extra resource template; `${...}` holds CEL. */
export const ResourceTemplate = z.strictObject({
  id: DnsLabel,
  includeWhen: z.string().optional(),
  template: z.record(z.string(), z.unknown()),
});
export type ResourceTemplate = z.infer<typeof ResourceTemplate>;

export const ComponentTypeSpec = z.strictObject({
  workloadType: WorkloadType,
  parameters: OpenApiSchema.optional(),
  environmentConfigs: OpenApiSchema.optional(),
  allowedTraits: z.array(DnsLabel).default([]),
  validations: z.array(Validation).default([]),
  resources: z.array(ResourceTemplate).default([]),
  /** Signals of this type's components, added to the platform's (or replacing one of the same name). */
  signals: Signals.optional(),
});
export type ComponentTypeSpec = z.infer<typeof ComponentTypeSpec>;

export const ComponentType = z.strictObject({
  apiVersion: ApiVersion,
  kind: z.literal("ComponentType"),
  metadata: NamedMetadata,
  spec: ComponentTypeSpec,
});
export type ComponentType = z.infer<typeof ComponentType>;
