// The offline HTML report: one file, the report's JSON and the viewer script
// (Chart.js included) inline, nothing fetched.

import { reportStyles } from "../viewer/styles.js";
import type { BenchReport } from "./schema.js";

/** JSON inside a <script> element: "</" and U+2028/9 escaped so the data cannot end the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll("</", "<\\/")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

const escapeHtml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** The whole HTML document; `viewerScript` is dist/viewer.js (an IIFE). */
export function reportHtml(report: BenchReport, viewerScript: string): string {
  const title = `rectify bench — ${report.quick ? "quick look" : "full run"}, ${report.createdAt.slice(0, 10)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${reportStyles}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="caption">What rectify's rewrite buys per model, target and provider: speed measured on the whole model in onnxruntime (interleaved rounds, 95% intervals), output error against the original, and CPU fallback on the WebGPU providers. Schema ${escapeHtml(report.schema)}.</p>
<div id="report"></div>
<script id="report-data" type="application/json">${scriptJson(report)}</script>
<script>${viewerScript.replaceAll("</script", "<\\/script")}</script>
</body>
</html>
`;
}
