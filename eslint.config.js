// ESLint flat config: typescript-eslint on all sources, the vitest plugin on tests so that
// expectations that never run (no expect in a test, expect outside a test, conditional or
// un-awaited expectations) and focused or skipped tests fail the lint.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import vitest from "@vitest/eslint-plugin";
import { layers } from "./eslint.layers.js";

export default tseslint.config(
  { ignores: ["node_modules/**", "rendered/**", "dist/**", "coverage/**", ".cache/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
    },
  },
  ...layers,
  {
    files: ["test/**/*.ts", "**/*.test.ts"],
    plugins: { vitest },
    rules: {
      ...vitest.configs.recommended.rules,
      "vitest/expect-expect": ["error", { assertFunctionNames: ["expect", "expect*", "assert*"] }],
      "vitest/valid-expect": ["error", { alwaysAwait: true, maxArgs: 2 }],
      "vitest/no-standalone-expect": "error",
      "vitest/no-conditional-expect": "error",
      "vitest/no-focused-tests": "error",
      "vitest/no-disabled-tests": "error",
      "vitest/no-identical-title": "error",
    },
  },
);
