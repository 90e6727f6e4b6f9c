// The approximation catalog: every entry's op counts and measured errors.
//   pnpm --filter @rectify/kernels catalog                  Markdown table on stdout
//   pnpm --filter @rectify/kernels catalog --json           JSON array on stdout
//   pnpm --filter @rectify/kernels catalog --write-readme   update README.md between the catalog markers
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  catalog,
  catalogJson,
  catalogMarkdown,
  replaceCatalogSection,
} from "../src/approximations/catalog.js";

const known = new Set(["--json", "--write-readme"]);
// pnpm passes the `--` of `pnpm --filter @rectify/kernels catalog -- --json` on to the script.
const flags = process.argv.slice(2).filter((flag) => flag !== "--");
const unknown = flags.filter((flag) => !known.has(flag));
if (unknown.length > 0) {
  process.stderr.write(
    `catalog: unknown option ${unknown.join(", ")}; use --json or --write-readme\n`,
  );
  process.exit(2);
}

const started = performance.now();
const rows = catalog();
const seconds = ((performance.now() - started) / 1000).toFixed(2);

if (flags.includes("--write-readme")) {
  const readmePath = fileURLToPath(new URL("../README.md", import.meta.url));
  const before = readFileSync(readmePath, "utf8");
  const after = replaceCatalogSection(before, catalogMarkdown(rows));
  if (after === before) process.stderr.write(`catalog: ${readmePath} is up to date\n`);
  else {
    writeFileSync(readmePath, after);
    process.stderr.write(`catalog: updated the table in ${readmePath}\n`);
  }
} else if (flags.includes("--json")) process.stdout.write(catalogJson(rows));
else process.stdout.write(catalogMarkdown(rows));
process.stderr.write(`catalog: ${rows.length} entries measured in ${seconds} s\n`);
