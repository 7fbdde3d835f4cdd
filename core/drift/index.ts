/** Drift between environments and between git and the clusters (`ferry drift`, the `Ferry / drift` check). Pure. */
export * from "./model.js";
export { fieldDiffs, liveFieldDiffs, undeclaredDiffs, valueAt } from "./fields.js";
export { clusterDrift, ferryObjectsSelector, FERRY_KINDS, kindsToScan, MANAGED_BY_LABEL, type KindRef, type LiveObjects } from "./cluster.js";
export { environmentsDrift, type ComponentManifests, type EnvironmentManifests, type EnvironmentsDrift } from "./environments.js";
export { environmentManifests, objectsOfFiles, type EnvironmentFiles, type RenderContext } from "./inputs.js";
export * from "./report.js";
