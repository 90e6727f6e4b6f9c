// Sums vitest's "Tests  N passed | M failed" lines from a turbo log into one
// closing line "N passed, M failed" (plus skipped) for CI.
import { readFileSync } from "node:fs";

const [logPath, status] = process.argv.slice(2);
const text = readFileSync(logPath, "utf8").replace(
  new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"),
  "",
);
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of text.split("\n")) {
  const match = line.match(/^\S*\s*Tests\s+(.*)$/);
  if (!match || !/\(\d+\)/.test(line)) continue;
  passed += Number(match[1].match(/(\d+) passed/)?.[1] ?? 0);
  failed += Number(match[1].match(/(\d+) failed/)?.[1] ?? 0);
  skipped += Number(match[1].match(/(\d+) skipped/)?.[1] ?? 0);
}
if (status !== "0" && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
