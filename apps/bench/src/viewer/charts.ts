// Chart.js configurations from a report (pure: data in, configs out), one
// per chart the HTML report and the page draw. Each carries an id the tests
// find it by and the number of points it should show.
import type { ChartConfiguration } from "chart.js";
import { featuredKernels } from "../measure/kernel-rows.js";
import type { BenchReport } from "../report/schema.js";

/** A chart to draw: its id, title, caption and configuration. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  // biome-ignore lint/suspicious/noExplicitAny: configs mix the error-bar plugin's chart types with Chart.js's own
  readonly config: ChartConfiguration<any, any, any>;
  /** Data points over all datasets. */
  readonly points: number;
}

const palette = [
  "#4e79a7",
  "#f28e2b",
  "#59a14f",
  "#e15759",
  "#76b7b2",
  "#edc948",
  "#b07aa1",
  "#9c755f",
];

const providerLabel = (provider: string, environment: string) =>
  environment === "chromium" ? `${provider} (Chromium)` : `${provider} (Node)`;

/** Speedup of the optimized model per model × provider, one chart per target, with 95% interval whiskers. */
export function speedupCharts(report: BenchReport): ChartSpec[] {
  const charts: ChartSpec[] = [];
  for (const target of report.options.targets) {
    const runs = report.runs.filter((run) => run.target === target && run.latency);
    if (runs.length === 0) continue;
    const models = [...new Set(runs.map((run) => run.model))];
    const series = [...new Set(runs.map((run) => providerLabel(run.provider, run.environment)))];
    const datasets = series.map((label, index) => ({
      label,
      backgroundColor: palette[index % palette.length],
      data: models.map((model) => {
        const run = runs.find(
          (entry) =>
            entry.model === model && providerLabel(entry.provider, entry.environment) === label,
        );
        return run?.latency
          ? { y: run.latency.speedup, yMin: run.latency.speedupLow, yMax: run.latency.speedupHigh }
          : null;
      }),
    }));
    datasets.push({
      type: "line",
      label: "1× (no change)",
      borderColor: "#888",
      borderDash: [3, 3],
      borderWidth: 1,
      pointRadius: 0,
      data: models.map(() => 1),
    } as unknown as (typeof datasets)[number]);
    charts.push({
      id: `speedup-${target}`,
      title: `Speedup, rewritten for ${target}`,
      caption:
        "Original median / optimized median, measured side by side in interleaved rounds on the whole model; whiskers: 95% bootstrap interval. Above 1 is faster.",
      points: runs.length,
      config: {
        type: "barWithErrorBars",
        data: { labels: models, datasets },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: { y: { title: { display: true, text: "speedup (×)" } } },
          plugins: { legend: { position: "bottom" } },
        },
      },
    });
  }
  return charts;
}

/** Options of a horizontal bar chart (one bar row per label) whose value axis is titled `axis`. */
function horizontalBars(axis: string) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    indexAxis: "y",
    scales: { x: { title: { display: true, text: axis }, beginAtZero: true } },
    plugins: { legend: { position: "bottom" } },
  } as const;
}

/** Measured accuracy against measured speed for each budget sweep, with its Pareto front. */
export function sweepCharts(report: BenchReport): ChartSpec[] {
  return report.sweeps
    .filter((sweep) => sweep.points.length > 0)
    .map((sweep) => {
      const variants = [...new Set(sweep.points.map((point) => point.options.split(" ")[0]!))];
      // log axes cannot show 0: an exact rewrite sits at the floor of the axis.
      const floor = 1e-9;
      const x = (value: number | null) => Math.max(value ?? 1, floor);
      const front = sweep.points
        .filter((point) => point.pareto)
        .sort((a, b) => x(a.maxAbs) - x(b.maxAbs))
        .map((point) => ({ x: x(point.maxAbs), y: point.speedup }));
      const datasets = [
        ...variants.map((variant, index) => ({
          type: "scatterWithErrorBars",
          label: variant,
          backgroundColor: palette[index % palette.length],
          borderColor: palette[index % palette.length],
          pointRadius: 5,
          data: sweep.points
            .filter((point) => point.options.split(" ")[0] === variant)
            .map((point) => ({
              x: x(point.maxAbs),
              y: point.speedup,
              yMin: point.speedupLow,
              yMax: point.speedupHigh,
              budget: point.budget,
            })),
        })),
        {
          type: "line",
          label: "Pareto front",
          data: front,
          borderColor: "#222",
          borderDash: [4, 4],
          pointRadius: 0,
          fill: false,
        },
      ];
      return {
        id: `sweep-${sweep.model}-${sweep.target}`,
        title: `Accuracy against speed: ${sweep.model} for ${sweep.target} on ${sweep.provider}`,
        caption:
          "Each point is one budget (1e-4 … 0.3) with one set of accuracy-aware options, optimized and then measured: max |output error| against the original (log axis) and the speedup with its 95% interval. The dashed line joins the points no other point beats on both.",
        points: sweep.points.length,
        config: {
          type: "scatterWithErrorBars",
          data: { datasets },
          options: {
            animation: false,
            responsive: true,
            maintainAspectRatio: false,
            scales: {
              x: {
                type: "logarithmic",
                title: { display: true, text: "max |output error| (log)" },
                // One label per power of ten.
                ticks: {
                  callback: (value: number | string) => {
                    const exponent = Math.log10(Number(value));
                    return Math.abs(exponent - Math.round(exponent)) < 1e-9
                      ? `1e${Math.round(exponent)}`
                      : "";
                  },
                },
              },
              y: { title: { display: true, text: "speedup (×)" } },
            },
            plugins: { legend: { position: "bottom" } },
          },
        },
      } satisfies ChartSpec;
    });
}

/** Compute nodes on the CPU on the browser GPU providers, before and after rewriting (placed by onnxruntime where read, else predicted). */
export function fallbackCharts(report: BenchReport): ChartSpec[] {
  const runs = report.runs.filter((run) => run.fallback && run.provider.startsWith("webgpu"));
  if (runs.length === 0) return [];
  const labels = runs.map((run) => `${run.model} · ${run.target} · ${run.provider}`);
  const count = (run: (typeof runs)[number], side: "original" | "optimized") =>
    run.fallback!.placed
      ? run.fallback!.placed[side].computeNodesOnCpu
      : run.fallback!.predicted[side];
  const allZero = runs.every(
    (run) => count(run, "original") === 0 && count(run, "optimized") === 0,
  );
  return [
    {
      id: "fallback",
      title: "CPU fallback on the WebGPU providers",
      caption: `Compute nodes onnxruntime ran on its CPU provider instead of the GPU one, read from its session log (shape-only nodes it keeps on the CPU on purpose are not counted); the profile's prediction where no log was read.${allZero ? " Every model here ran wholly on the GPU provider, before and after: no bars." : ""}`,
      points: runs.length * 2,
      config: {
        type: "bar",
        data: {
          labels,
          datasets: [
            {
              label: "original",
              backgroundColor: palette[3],
              data: runs.map((run) => count(run, "original")),
            },
            {
              label: "optimized",
              backgroundColor: palette[2],
              data: runs.map((run) => count(run, "optimized")),
            },
          ],
        },
        options: horizontalBars("compute nodes on the CPU"),
      },
    },
  ];
}

/** Kernel throughput relative to a copy of the same size, per engine (JS, WASM SIMD, WGSL). */
export function kernelCharts(report: BenchReport): ChartSpec[] {
  return report.kernels
    .filter((entry) => entry.rows.length > 0)
    .map((entry, index) => {
      const largest = Math.max(...entry.rows.map((row) => row.n));
      const rows = entry.rows.filter(
        (row) => row.n === largest && featuredKernels.includes(row.id),
      );
      const series: { label: string; values: (number | null)[] }[] = [
        { label: "JS / JS copy", values: rows.map((row) => row.js / row.copyJs) },
        { label: "WASM SIMD / WASM copy", values: rows.map((row) => row.wasm / row.copyWasm) },
      ];
      if (rows.some((row) => row.wgsl !== undefined))
        series.push({
          label: "WGSL / WGSL copy",
          values: rows.map((row) =>
            row.wgsl !== undefined && row.copyWgsl ? row.wgsl / row.copyWgsl : null,
          ),
        });
      if (rows.length === 0) return undefined;
      return {
        id: `kernels-${index}`,
        title: `Activation kernels, ${entry.environment}, ${largest.toLocaleString("en")} floats`,
        caption:
          "Throughput of each kernel of the rectifier family and its main stand-ins as a share of a plain copy of the same buffer on the same engine (1 = as fast as copying: no elementwise kernel beats it). Every kernel measured is in the table below.",
        points: series.reduce(
          (total, item) => total + item.values.filter((value) => value !== null).length,
          0,
        ),
        config: {
          type: "bar",
          data: {
            labels: rows.map((row) => row.id),
            datasets: series.map((item, position) => ({
              label: item.label,
              backgroundColor: palette[position % palette.length],
              data: item.values,
            })),
          },
          options: horizontalBars("throughput / copy throughput"),
        },
      } satisfies ChartSpec;
    })
    .filter((chart) => chart !== undefined);
}

/** The planning study: predicted against measured speedup of the static plan, one point per model × target, with whiskers. */
export function studyCharts(report: BenchReport): ChartSpec[] {
  const rows = (report.planStudy ?? []).filter(
    (entry) => entry.status === "measured" && entry.planned && entry.predictedSpeedup !== null,
  );
  if (rows.length === 0) return [];
  const targets = [...new Set(rows.map((entry) => entry.target))];
  const datasets = targets.map((target, index) => ({
    type: "scatterWithErrorBars",
    label: target,
    backgroundColor: palette[index % palette.length],
    borderColor: palette[index % palette.length],
    pointRadius: 5,
    data: rows
      .filter((entry) => entry.target === target)
      .map((entry) => ({
        x: entry.predictedSpeedup!,
        y: entry.planned!.median,
        yMin: entry.planned!.low,
        yMax: entry.planned!.high,
        model: entry.model,
      })),
  }));
  const top = Math.max(
    ...rows.map((entry) => Math.max(entry.predictedSpeedup!, entry.planned!.high)),
  );
  return [
    {
      id: "study",
      title: "Predicted against measured: the static plan on each target's own engine",
      caption:
        "Each point is one model × onnxruntime target: the speedup the planner's costs predict (anchored on where the original's time goes, by onnxruntime's profiler) against the speedup measured on the whole model, with its 95% interval. On the dashed line prediction and measurement agree.",
      points: rows.length,
      config: {
        type: "scatterWithErrorBars",
        data: {
          datasets: [
            ...datasets,
            {
              type: "line",
              label: "measured = predicted",
              data: [
                { x: 0.9, y: 0.9 },
                { x: top, y: top },
              ],
              borderColor: "#222",
              borderDash: [4, 4],
              pointRadius: 0,
              fill: false,
            },
          ],
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: {
            x: { type: "linear", title: { display: true, text: "predicted speedup (×)" } },
            y: { title: { display: true, text: "measured speedup (×)" } },
          },
          plugins: {
            legend: { position: "bottom" },
            tooltip: {
              callbacks: {
                label: (item: { raw: { model?: string; x: number; y: number } }) =>
                  `${item.raw.model ?? ""}: predicted ${item.raw.x.toFixed(2)}×, measured ${item.raw.y.toFixed(2)}×`,
              },
            },
          },
        },
      },
    },
  ];
}

/** Every chart of a report, in the order the report shows them. */
export function reportCharts(report: BenchReport): ChartSpec[] {
  return [
    ...studyCharts(report),
    ...speedupCharts(report),
    ...sweepCharts(report),
    ...fallbackCharts(report),
    ...kernelCharts(report),
  ];
}
