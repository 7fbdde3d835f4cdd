/** The registry of Ferry's file formats: one explicit map from `kind` to its schema. */
import type { z } from "zod";
import { Component } from "./component.js";
import { ComponentType } from "./component-type.js";
import { Platform } from "./platform.js";
import { Policy } from "./policy.js";
import { Trait } from "./trait.js";

export const KINDS = {
  Component,
  ComponentType,
  Platform,
  Policy,
  Trait,
} as const satisfies Record<string, z.ZodType>;

export type KindName = keyof typeof KINDS;

export function isKindName(kind: unknown): kind is KindName {
  return typeof kind === "string" && Object.prototype.hasOwnProperty.call(KINDS, kind);
}

export * from "./bundle.js";
export * from "./common.js";
export * from "./component.js";
export * from "./component-type.js";
export * from "./freeze.js";
export * from "./notification.js";
export * from "./platform.js";
export * from "./policy.js";
export * from "./preview.js";
export * from "./signal.js";
export * from "./trait.js";
