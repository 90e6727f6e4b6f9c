import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { reportHtml } from "../report/html.js";
import { type BenchReport, reportSchema } from "../report/schema.js";

/** The viewer script the HTML report inlines, dist/viewer.js (from dist/cli when bundled, from src/cli in tests). */
const viewerPath = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "viewer.js");

/** Writes atomically: a temporary file in the same folder, then a rename. */
async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** Checks the report against its schema, then writes the JSON and the HTML; returns the paths written. */
export async function writeReports(
  report: BenchReport,
  paths: { readonly json?: string; readonly html?: string },
): Promise<string[]> {
  reportSchema.parse(report);
  const written: string[] = [];
  if (paths.json) {
    await writeAtomic(paths.json, `${JSON.stringify(report, null, 1)}\n`);
    written.push(paths.json);
  }
  if (paths.html) {
    await writeAtomic(paths.html, reportHtml(report, await readFile(viewerPath, "utf8")));
    written.push(paths.html);
  }
  return written;
}
