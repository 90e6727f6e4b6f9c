// Bundles the browser side with esbuild:
// - dist/web/: the bench page (index.html, main.js and its chunks,
//   onnxruntime-web's two .wasm files), built as the runtime README's
//   esbuild recipe says (ESM, --splitting, the file loader for .wasm);
// - dist/viewer.js: the script the offline HTML report inlines (Chart.js included).
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { reportStyles } from "../src/viewer/styles.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "dist", "web");

const pageStyles = `
form { background: #f7f7f9; border: 1px solid #e3e3e8; border-radius: 6px; padding: 10px 16px; }
form label { margin-right: 14px; }
.drop { border: 2px dashed #aab; border-radius: 6px; padding: 18px; text-align: center; color: #445; }
.drop.over { background: #eef3ff; border-color: #4e79a7; }
.file input { display: none; }
.file { color: #4e79a7; text-decoration: underline; cursor: pointer; }
#status { color: #444; margin-left: 8px; }
button { font-size: 14px; padding: 4px 18px; }
`;

await rm(web, { recursive: true, force: true });
await mkdir(web, { recursive: true });
await build({
  entryPoints: { main: join(root, "src", "web", "main.ts") },
  bundle: true,
  format: "esm",
  splitting: true,
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  outdir: web,
  loader: { ".wasm": "file" },
  logLevel: "warning",
});
await copyFile(join(root, "src", "web", "index.html"), join(web, "index.html"));
await writeFile(join(web, "page.css"), reportStyles + pageStyles);
await build({
  entryPoints: [join(root, "src", "viewer", "report-page.ts")],
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  minify: true,
  outfile: join(root, "dist", "viewer.js"),
  logLevel: "warning",
  legalComments: "inline",
});
console.log("bench: built dist/web (the page) and dist/viewer.js (the report's script)");
