// dependency-cruiser: no file-level import cycle in the source folders that `npm run lint:cycles`
// names (part of `npm run lint`, which `.ci/run` runs; test/lint/cycles.test.ts shows it firing).
// Type-only imports count as edges (`tsPreCompilationDeps`): a loop of `import type` is still a loop.
/** @type {import("dependency-cruiser").IConfiguration} */
export default {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A file imports something that, directly or through others, imports it back. Move what both need to a module that imports neither.",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|rendered)/" },
  },
};
