// Draws a report into a page: environment, the results table, and every
// chart (Chart.js, with the error-bar plugin for the intervals). Used by the
// offline HTML report and by the bench page. Charts drawn are listed on
// globalThis.rectifyReportCharts (id and points) for tests.
import { Chart, registerables } from "chart.js";
import {
  BarWithErrorBar,
  BarWithErrorBarsController,
  PointWithErrorBar,
  ScatterWithErrorBarsController,
} from "chartjs-chart-error-bars";
import {
  accuracyCells,
  accuracyColumns,
  accuracySpeedupColumn,
  accuracyVerdict,
} from "../report/accuracy-summary.js";
import type { AccuracyStudyEntry, BenchReport } from "../report/schema.js";
import {
  heavyLine,
  heavyShare,
  heavyTarget,
  studyCells,
  studyColumns,
  studySpeedupColumns,
  studyVerdict,
} from "../report/study-summary.js";
import { type ChartSpec, reportCharts } from "./charts.js";
import { formatRate } from "./format.js";
import { resultColumns, resultRows } from "./rows.js";

Chart.register(
  ...registerables,
  BarWithErrorBarsController,
  BarWithErrorBar,
  ScatterWithErrorBarsController,
  PointWithErrorBar,
);

/** What a drawn chart shows, for tests. */
export interface DrawnChart {
  readonly id: string;
  readonly points: number;
  readonly drawnPoints: number;
}

const element = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};

const charts: Chart[] = [];

/** Replaces `container`'s content with the report. */
export function renderReport(container: HTMLElement, report: BenchReport): DrawnChart[] {
  for (const chart of charts.splice(0)) chart.destroy();
  container.replaceChildren();
  container.append(environmentLine(report));
  if (report.runs.length > 0) container.append(resultsTable(report));
  if (report.planStudy?.length) container.append(studyTable(report));
  if (report.accuracyStudy?.length) container.append(accuracyTable(report.accuracyStudy));
  const drawn: DrawnChart[] = [];
  for (const spec of reportCharts(report)) drawn.push(drawChart(container, spec));
  if (report.kernels.some((entry) => entry.rows.length > 0)) container.append(kernelsTable(report));
  (globalThis as unknown as { rectifyReportCharts: DrawnChart[] }).rectifyReportCharts = drawn;
  return drawn;
}

function environmentLine(report: BenchReport): HTMLElement {
  const { environment } = report;
  const inBrowser = environment.node === "—";
  const parts = [
    `${report.createdAt.replace("T", " ").slice(0, 19)} UTC`,
    inBrowser
      ? `${environment.cpus} logical cores`
      : `${environment.cpus} × ${environment.cpuModel}`,
    environment.loadAverage.length ? `load ${environment.loadAverage.join(" ")}` : "",
    inBrowser ? "" : `Node ${environment.node}`,
    environment.onnxruntimeNode ? `onnxruntime-node ${environment.onnxruntimeNode}` : "",
    environment.onnxruntimeWeb ? `onnxruntime-web ${environment.onnxruntimeWeb}` : "",
    environment.chromium ? `Chromium ${environment.chromium}` : "",
    inBrowser ? "" : report.quick ? "--quick" : "full run",
    `${report.elapsedSeconds} s`,
  ].filter(Boolean);
  return element("p", parts.join(" · "), "environment");
}

/** The planning study as a table, with the verdict the planner is held to. */
function studyTable(report: BenchReport): HTMLElement {
  const entries = report.planStudy!;
  const table = element("table", undefined, "results");
  const head = element("tr");
  const titles = studyColumns;
  for (const title of titles) head.append(element("th", title));
  table.append(element("thead"));
  table.tHead!.append(head);
  const body = element("tbody");
  for (const entry of entries) {
    const tr = element("tr", undefined, entry.status === "failed" ? "failed" : entry.status);
    const cells = studyCells(entry);
    for (const cell of cells) tr.append(element("td", cell));
    const classOf = (value?: { low: number; high: number }) =>
      value ? (value.low > 1 ? "faster" : value.high < 1 ? "slower" : "") : "";
    (tr.children[studySpeedupColumns.planned] as HTMLElement).className = classOf(entry.planned);
    (tr.children[studySpeedupColumns.written] as HTMLElement).className = entry.measured?.identity
      ? ""
      : classOf(entry.measured);
    body.append(tr);
  }
  table.append(body);
  const verdict = studyVerdict(entries);
  const wrapper = element("section");
  const box = element("div", undefined, "table-box");
  box.append(table);
  wrapper.append(
    element("h2", "Planning study"),
    element(
      "p",
      `Each onnxruntime target on its own engine here. Static plan: the target's costs only (--no-measure). Written: what the default optimize writes (measured planning: it keeps the original unless the rewrite is measurably faster). Act. kernel share: the activation sites' share of the original's kernel time (onnxruntime's profiler; what the planner sees). Ceiling: the original's time over the model with its activations taken out (no stand-in can do better); act. wall share = 1 − 1/ceiling. Rank agreement of predicted and measured static-plan speedups: Spearman ρ = ${verdict.rankCorrelation === null ? "—" : verdict.rankCorrelation.toFixed(2)} over ${verdict.ranked} rows. Lowest written: ${verdict.lowestDefault ? `${verdict.lowestDefault.median.toFixed(2)}× (${verdict.lowestDefault.row})` : "—"}.`,
      "caption",
    ),
    box,
  );
  if (verdict.heavy.length > 0) {
    const reached = verdict.heavy.filter((entry) => entry.verdict === "reached").length;
    const list = element("ul");
    for (const entry of verdict.heavy)
      if (entry.verdict !== "reached") list.append(element("li", heavyLine(entry)));
    wrapper.append(
      element(
        "p",
        `Activations ≥ ${heavyShare * 100}% of the wall time: ${reached} of ${verdict.heavy.length} rows reach ≥ ${heavyTarget}×; the others:`,
        "caption",
      ),
      list,
    );
  }
  return wrapper;
}

/** The accuracy-aware study: --min-top1-agreement 1 against the default, head to head. */
function accuracyTable(entries: readonly AccuracyStudyEntry[]): HTMLElement {
  const table = element("table", undefined, "results");
  const head = element("tr");
  for (const title of accuracyColumns) head.append(element("th", title));
  table.append(element("thead"));
  table.tHead!.append(head);
  const body = element("tbody");
  for (const entry of entries) {
    const tr = element("tr", undefined, entry.status === "failed" ? "failed" : "measured");
    for (const cell of accuracyCells(entry)) tr.append(element("td", cell));
    const over = entry.overDefault;
    if (over)
      (tr.children[accuracySpeedupColumn] as HTMLElement).className =
        over.low > 1 ? "faster" : over.high < 1 ? "slower" : "";
    body.append(tr);
  }
  table.append(body);
  const first = entries[0]!;
  const wrapper = element("section");
  const box = element("div", undefined, "table-box");
  box.append(table);
  const verdicts = element("ul");
  for (const entry of entries) verdicts.append(element("li", accuracyVerdict(entry)));
  wrapper.append(
    element("h2", "Accuracy-aware search"),
    element(
      "p",
      `optimize with --min-top1-agreement 1 (${first.limit} on ${first.calibration.rows} calibration rows; checked on ${first.heldOut.rows} held-out rows the search never saw) against the default optimize; both use measured planning, and their models are timed head to head with the default's as the baseline (median [95% interval]).`,
      "caption",
    ),
    box,
    verdicts,
  );
  return wrapper;
}

function resultsTable(report: BenchReport): HTMLElement {
  const table = element("table", undefined, "results");
  const head = element("tr");
  for (const [, title] of resultColumns) head.append(element("th", title));
  table.append(element("thead"));
  table.tHead!.append(head);
  const body = element("tbody");
  const rows = resultRows(report);
  // Combinations the rewrite left unchanged were not timed: counted below, not listed.
  const shown = rows.filter((row) => row.run.status !== "unchanged");
  for (const row of shown) {
    const tr = element("tr", undefined, row.run.status);
    for (const [key] of resultColumns) tr.append(element("td", row.cells[key]));
    const speedup = row.run.latency?.speedup;
    if (speedup !== undefined) {
      const cell = tr.children[4] as HTMLElement;
      if (row.run.latency!.speedupLow > 1) cell.className = "faster";
      else if (row.run.latency!.speedupHigh < 1) cell.className = "slower";
    }
    body.append(tr);
  }
  table.append(body);
  const wrapper = element("section");
  const box = element("div", undefined, "table-box");
  box.append(table);
  const measured = rows.filter((row) => row.run.status === "measured").length;
  const failed = rows.filter((row) => row.run.status === "failed").length;
  const unchanged = rows.length - shown.length;
  wrapper.append(
    element("h2", "Results"),
    element(
      "p",
      `${rows.length} model × target × provider combinations: ${measured} measured${failed ? `, ${failed} failed` : ""}${unchanged ? `, ${unchanged} not timed because the rewrite changed nothing for that target (not listed)` : ""}. Speedups in green: the 95% interval is above 1; red: below 1.`,
      "caption",
    ),
    box,
  );
  return wrapper;
}

function drawChart(container: HTMLElement, spec: ChartSpec): DrawnChart {
  const section = element("section", undefined, "chart");
  section.dataset.chart = spec.id;
  const labels = (spec.config.data.labels as unknown[] | undefined)?.length ?? 0;
  const horizontal = spec.config.options?.indexAxis === "y";
  const box = element("div", undefined, "canvas-box");
  box.style.height = `${horizontal ? Math.max(240, 60 + labels * 22) : 360}px`;
  const canvas = element("canvas");
  box.append(canvas);
  section.append(element("h2", spec.title), box, element("p", spec.caption, "caption"));
  container.append(section);
  const chart = new Chart(canvas, spec.config);
  charts.push(chart);
  const drawnPoints = chart.data.datasets.reduce(
    (total, dataset, index) =>
      total +
      // Guide lines are not data.
      (dataset.label === "Pareto front" ||
      dataset.label === "1× (no change)" ||
      dataset.label === "measured = predicted"
        ? 0
        : chart.getDatasetMeta(index).data.filter((_, at) => dataset.data[at] !== null).length),
    0,
  );
  return { id: spec.id, points: spec.points, drawnPoints };
}

function kernelsTable(report: BenchReport): HTMLElement {
  const section = element("details");
  section.append(
    element("summary", "Activation kernels: every throughput measured (elements per second)"),
  );
  for (const entry of report.kernels) {
    if (entry.rows.length === 0) continue;
    const table = element("table", undefined, "kernels");
    const head = element("tr");
    for (const title of [
      "kernel",
      "floats",
      "JS",
      "WASM SIMD",
      "WGSL",
      "JS copy",
      "WASM copy",
      "WGSL copy",
    ])
      head.append(element("th", title));
    table.append(element("thead"));
    table.tHead!.append(head);
    const body = element("tbody");
    for (const row of entry.rows) {
      const tr = element("tr");
      for (const value of [
        row.id,
        row.n.toLocaleString("en"),
        formatRate(row.js),
        formatRate(row.wasm),
        formatRate(row.wgsl),
        formatRate(row.copyJs),
        formatRate(row.copyWasm),
        formatRate(row.copyWgsl),
      ])
        tr.append(element("td", value));
      body.append(tr);
    }
    table.append(body);
    section.append(element("h3", entry.environment), table);
    if (entry.opFloor?.length)
      section.append(
        element(
          "p",
          `Op floor (one f32x4 op per element over a copy loop): ${entry.opFloor
            .map((floor) => `${floor.op} ${floor.ratioToCopy.toFixed(2)}×`)
            .join(", ")}`,
          "caption",
        ),
      );
  }
  return section;
}
