// The script inlined into the offline HTML report: reads the report JSON
// embedded in the page and draws it.
import type { BenchReport } from "../report/schema.js";
import { renderReport } from "./render.js";

const data = document.getElementById("report-data")?.textContent;
const container = document.getElementById("report");
if (data && container) renderReport(container, JSON.parse(data) as BenchReport);
