// Preloaded with `node --import`: writes the URL of every module the process loads to the file
// named by FERRY_RECORD_IMPORTS, one a line, so a test can tell what a command imported. ES
// modules are recorded as they resolve; CommonJS ones (which may be required from inside a
// package, past the hooks) from the require cache at exit.
import { appendFileSync, writeFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import process from "node:process";
import { pathToFileURL } from "node:url";

const out = process.env.FERRY_RECORD_IMPORTS;
if (out) {
  writeFileSync(out, "");
  register("./record-imports-hooks.mjs", import.meta.url, { data: { out } });
  const cache = createRequire(import.meta.url).cache;
  process.on("exit", () => {
    const urls = Object.keys(cache).map((file) => pathToFileURL(file).href);
    if (urls.length > 0) appendFileSync(out, `${urls.join("\n")}\n`);
  });
}
