/** `kind: Policy`: a guardrail checked on every rendered object. */
import { z } from "zod";
import { ApiVersion, DnsLabel, NamedMetadata } from "./common.js";

export const PolicySpec = z.strictObject({
  severity: z.enum(["error", "warning"]).default("error"),
  /** Environments the policy applies to; all when empty. */
  environments: z.array(DnsLabel).default([]),
  match: z.strictObject({ kinds: z.array(z.string().min(1)).default([]) }).default({ kinds: [] }),
  /** CEL over each matching rendered `object`; must evaluate to a bool. */
  rule: z.string().min(1),
  message: z.string().min(1),
});
export type PolicySpec = z.infer<typeof PolicySpec>;

export const Policy = z.strictObject({
  apiVersion: ApiVersion,
  kind: z.literal("Policy"),
  metadata: NamedMetadata,
  spec: PolicySpec,
});
export type Policy = z.infer<typeof Policy>;
