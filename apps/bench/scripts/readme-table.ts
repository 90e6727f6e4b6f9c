// Prints a report's pivoted runs as a Markdown table (the root README's
// summary): one row per model × target the rewrite changed, a speedup
// column per provider, the worst output error, the placed CPU fallback.
//   pnpm --filter @rectify/bench exec tsx scripts/readme-table.ts <report.json> [--models a,b]
import { readFileSync } from "node:fs";
import type { BenchReport } from "../src/report/schema.js";
import { pivotRuns } from "../src/viewer/pivot.js";

const [path, ...rest] = process.argv.slice(2);
if (!path) throw new Error("usage: readme-table.ts <report.json> [--models id,id]");
const report = JSON.parse(readFileSync(path, "utf8")) as BenchReport;
const modelsFlag = rest.indexOf("--models");
const only = modelsFlag >= 0 ? new Set(rest[modelsFlag + 1]!.split(",")) : undefined;
const pivot = pivotRuns(report);
const rows = only ? pivot.rows.filter((row) => only.has(row[0]!)) : pivot.rows;
const escape = (cell: string) => cell.replaceAll("|", "\\|");
console.log(`| ${pivot.header.map(escape).join(" | ")} |`);
console.log(`| ${pivot.header.map(() => "---").join(" | ")} |`);
for (const row of rows) console.log(`| ${row.map(escape).join(" | ")} |`);
