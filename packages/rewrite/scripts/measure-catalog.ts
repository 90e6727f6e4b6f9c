// Writes src/plan/measured-catalog.json: the kernels' error measurements of
// every stand-in the planner considers, for each activation a site can be, at
// its default parameters rounded to float32 (as ONNX attributes hold them).
// Planning then needs no measurement for those; a test keeps the file fresh.
//
// Usage: pnpm --filter @rectify/rewrite exec tsx scripts/measure-catalog.ts [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { measuredCatalog } from "../src/plan/measured-catalog.js";

const path = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "src",
  "plan",
  "measured-catalog.json",
);
const text = `${JSON.stringify(measuredCatalog(), null, 2)}\n`;
if (process.argv.includes("--check")) {
  // Compared as data: biome may lay the JSON out differently.
  const fresh =
    JSON.stringify(JSON.parse(readFileSync(path, "utf8"))) === JSON.stringify(JSON.parse(text));
  console.log(
    fresh
      ? "measured-catalog.json is up to date"
      : "measured-catalog.json is stale: run scripts/measure-catalog.ts",
  );
  process.exitCode = fresh ? 0 : 1;
} else {
  writeFileSync(path, text);
  console.log(`wrote ${path} (${Object.keys(JSON.parse(text)).length} pairs)`);
}
