/** Runtime status from the clusters: observer, health, diagnosis and the status markdown. */
export * from "./types.js";
export * from "./kube.js";
export * from "./observer.js";
export * from "./health.js";
export * from "./diagnose.js";
export * from "./markdown.js";
