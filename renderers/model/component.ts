/** `kind: Component`: one deployable unit, written by an app team in `.ferry/*.yaml`. */
import { z } from "zod";
import { ApiVersion, DnsLabel, Labels, PortName, Quantity } from "./common.js";

export const EnvVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  error: (iss) => `${JSON.stringify(iss.input)} is not an environment variable name`,
});

const KeyRef = z.strictObject({
  name: DnsLabel,
  key: z
    .string()
    .regex(/^[-._a-zA-Z0-9]+$/)
    .max(253),
});

/** A container environment variable: a literal, or a key of a Secret or ConfigMap. */
export const EnvVar = z
  .strictObject({
    name: EnvVarName,
    value: z.string().optional(),
    secretRef: KeyRef.optional(),
    configMapRef: KeyRef.optional(),
  })
  .refine((e) => [e.value, e.secretRef, e.configMapRef].filter((x) => x !== undefined).length === 1, {
    error: "set exactly one of value, secretRef or configMapRef",
  });
export type EnvVar = z.infer<typeof EnvVar>;

/** A file mounted into the container from a ConfigMap Ferry renders. */
export const FileMount = z.strictObject({
  mountPath: z
    .string()
    .regex(/^\/[^\0]*[^/]$/, { error: (iss) => `${JSON.stringify(iss.input)} must be an absolute file path` })
    .refine((p) => !p.split("/").some((s) => s === ".." || s === "."), { error: "mountPath may not contain '.' or '..' segments" }),
  value: z.string(),
});
export type FileMount = z.infer<typeof FileMount>;

export const Resources = z.strictObject({ cpu: Quantity.optional(), memory: Quantity.optional() });
export type Resources = z.infer<typeof Resources>;

const ProbePort = z.union([z.number().int().min(1).max(65535), PortName]);
export const Probe = z
  .strictObject({
    httpGet: z.strictObject({ path: z.string().startsWith("/"), port: ProbePort }).optional(),
    tcpSocket: z.strictObject({ port: ProbePort }).optional(),
    exec: z.strictObject({ command: z.array(z.string()).min(1) }).optional(),
    grpc: z.strictObject({ port: z.number().int().min(1).max(65535) }).optional(),
    initialDelaySeconds: z.number().int().min(0).optional(),
    periodSeconds: z.number().int().min(1).optional(),
    timeoutSeconds: z.number().int().min(1).optional(),
    failureThreshold: z.number().int().min(1).optional(),
  })
  .refine((p) => [p.httpGet, p.tcpSocket, p.exec, p.grpc].filter((x) => x !== undefined).length === 1, {
    error: "a probe needs exactly one of httpGet, tcpSocket, exec or grpc",
  });
export type Probe = z.infer<typeof Probe>;

export const Container = z.strictObject({
  image: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[^\s]+$/, { error: "image may not contain white space" }),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.array(EnvVar).default([]),
  files: z.array(FileMount).default([]),
  resources: Resources.optional(),
  probes: z.strictObject({ readiness: Probe.optional(), liveness: Probe.optional(), startup: Probe.optional() }).optional(),
});
export type Container = z.infer<typeof Container>;

export const EndpointType = z.enum(["HTTP", "gRPC", "GraphQL", "Websocket", "TCP", "UDP"]);
export const Visibility = z.enum(["project", "organization", "public"]);
export type Visibility = z.infer<typeof Visibility>;

export const Endpoint = z.strictObject({
  type: EndpointType,
  port: z.number().int().min(1).max(65535),
  visibility: z.array(Visibility).default(["project"]),
  basePath: z.string().startsWith("/").optional(),
});
export type Endpoint = z.infer<typeof Endpoint>;

export const Dependency = z.strictObject({
  component: DnsLabel,
  project: DnsLabel.optional(),
  endpoint: PortName,
  env: z.strictObject({ url: EnvVarName.optional(), host: EnvVarName.optional(), port: EnvVarName.optional() }).default({}),
});
export type Dependency = z.infer<typeof Dependency>;

export const TraitInstance = z.strictObject({
  type: DnsLabel,
  name: DnsLabel,
  parameters: z.record(z.string(), z.unknown()).default({}),
});
export type TraitInstance = z.infer<typeof TraitInstance>;

/**
 * Per-environment overrides: only fields the type's environmentConfigs declare (checked against
 * that schema when the component is compiled), plus `traits` keyed by trait instance name.
 */
const TraitOverrides = z.record(DnsLabel, z.record(z.string(), z.unknown()));

/**
 * Overrides for one cluster of an environment on several clusters (`environments.<env>.clusters.<cluster>`):
 * the same fields as the environment's, merged over them (objects field by field, anything else replaced).
 */
export const ClusterOverride = z
  .object({ traits: TraitOverrides.optional(), clusters: z.never({ error: "clusters cannot be nested inside a cluster's overrides" }).optional() })
  .catchall(z.unknown());
export type ClusterOverride = z.infer<typeof ClusterOverride>;

export const EnvironmentOverride = z
  .object({
    traits: TraitOverrides.optional(),
    /** Per-cluster overrides, keyed by the names of the environment's `clusters`. */
    clusters: z.record(DnsLabel, ClusterOverride).optional(),
  })
  .catchall(z.unknown());
export type EnvironmentOverride = z.infer<typeof EnvironmentOverride>;

export const ComponentSpec = z.strictObject({
  type: DnsLabel,
  build: z.strictObject({ waitForCheck: z.string().min(1).max(200) }).optional(),
  container: Container,
  endpoints: z.record(PortName, Endpoint).default({}),
  dependencies: z.array(Dependency).default([]),
  parameters: z.record(z.string(), z.unknown()).default({}),
  traits: z.array(TraitInstance).default([]),
  environments: z.record(DnsLabel, EnvironmentOverride).default({}),
});
export type ComponentSpec = z.infer<typeof ComponentSpec>;

export const Component = z.strictObject({
  apiVersion: ApiVersion,
  kind: z.literal("Component"),
  metadata: z.strictObject({ name: DnsLabel, project: DnsLabel, labels: Labels.optional() }),
  spec: ComponentSpec,
});
export type Component = z.infer<typeof Component>;
