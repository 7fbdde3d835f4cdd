// `npm run build` (and `prepare`, so `npm ci` builds): compiles the sources the app and the
// command line run into dist/ with tsc (tsconfig.build.json), and copies the built-in templates'
// YAML beside their compiled loader, so dist/ runs on its own. Plain JavaScript: it runs before
// anything is built and without tsx.
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import process from "node:process";
import { URL, fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

rmSync(`${root}dist`, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", `${root}tsconfig.build.json`], { stdio: "inherit" });
cpSync(`${root}templates`, `${root}dist/templates`, { recursive: true, filter: (src) => !/\.(ts|md)$/.test(src) });
