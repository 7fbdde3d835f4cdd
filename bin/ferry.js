#!/usr/bin/env node
// The `ferry` command: runs the compiled command line in dist/ (built by `npm ci` through the
// `prepare` script, or by `npm run build`).
import { existsSync } from "node:fs";
import { URL } from "node:url";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("ferry: dist/ is missing; run `npm run build` (npm ci does it through the prepare script)\n");
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
