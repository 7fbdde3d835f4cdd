/** Status back from the clusters: health source for the gates, status comments and deployment statuses, the status overview. */
export * from "./timers.js";
export * from "./tracker.js";
export * from "./environments.js";
export * from "./deployments.js";
export * from "./health-source.js";
export * from "./comment.js";
export * from "./reporter.js";
export * from "./overview.js";
