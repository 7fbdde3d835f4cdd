/** Building blocks shared by every Ferry file format. */
import { z } from "zod";

export const API_VERSION = "ferry.dev/v1alpha1";

/** The one API version Ferry reads today. */
export const ApiVersion = z.literal(API_VERSION, { error: `apiVersion must be ${API_VERSION}` });

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, at most
 * 63 characters. Every name Ferry may turn into a path or a Kubernetes name is one, so `../x`,
 * `a/b` or `Foo` can never reach the file system or a manifest.
 */
export const DnsLabel = z
  .string()
  .max(63, { error: (iss) => `${JSON.stringify(iss.input)} is longer than 63 characters (DNS-1123 label)` })
  .regex(DNS_LABEL, {
    error: (iss) => `${JSON.stringify(iss.input)} is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit)`,
  });
export type DnsLabel = z.infer<typeof DnsLabel>;

/** An IANA service name as Kubernetes wants for port names: a DNS label of at most 15 characters. */
export const PortName = DnsLabel.refine((s) => s.length <= 15 && /[a-z]/.test(s), {
  error: (iss) => `${JSON.stringify(iss.input)} cannot name a port: at most 15 characters with at least one letter`,
});

/** `owner/name` of a GitHub repository. */
export const RepoName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, {
    error: (iss) => `${JSON.stringify(iss.input)} is not a repository name of the form owner/name`,
  })
  .refine((s) => !s.split("/").some((p) => p === "." || p === ".."), { error: "repository name has a '.' or '..' segment" });
export type RepoName = z.infer<typeof RepoName>;

/** A repository-relative POSIX path: no leading '/', no '..' or '.' segments, no empty segments. */
export const RelativePath = z
  .string()
  .min(1)
  .refine((s) => !s.startsWith("/") && s.split("/").every((seg) => seg !== "" && seg !== "." && seg !== ".." && seg !== ".git"), {
    error: (iss) => `${JSON.stringify(iss.input)} must be a relative path without '.', '..', '.git' or empty segments`,
  });

/** A Kubernetes quantity such as `250m`, `1.5`, `512Mi` or `1Gi`. */
export const Quantity = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine((s) => /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$/.test(s), {
    error: (iss) => `${JSON.stringify(iss.input)} is not a Kubernetes quantity (e.g. 250m, 0.5, 512Mi, 1Gi)`,
  });

/** A duration such as `30m`, `1h30m` or `45s`. */
export const Duration = z
  .string()
  .regex(/^(\d+h)?(\d+m)?(\d+s)?$/, {
    error: (iss) => `${JSON.stringify(iss.input)} is not a duration like 30m, 1h or 1h30m`,
  })
  .refine((s) => s.length > 0, { error: "duration is empty" });

/** Seconds in a Duration string. */
export function durationSeconds(d: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  if (!m) return 0;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** A JSON Schema (OpenAPI v3 flavour) as ComponentTypes and Traits declare it; checked with ajv when loaded. */
export const OpenApiSchema = z.strictObject({
  openAPIV3Schema: z.record(z.string(), z.unknown()),
});
export type OpenApiSchema = z.infer<typeof OpenApiSchema>;

/** A CEL rule with the message shown when it does not hold. */
export const Validation = z.strictObject({
  rule: z.string().min(1),
  message: z.string().min(1),
});
export type Validation = z.infer<typeof Validation>;

/** Free-form map of string labels (Kubernetes label values). */
export const Labels = z.record(
  z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { error: "not a valid label key" }),
  z
    .string()
    .max(63)
    .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, { error: "not a valid label value" }),
);

/** Metadata of platform-owned kinds: just a name. */
export const NamedMetadata = z.strictObject({ name: DnsLabel });
