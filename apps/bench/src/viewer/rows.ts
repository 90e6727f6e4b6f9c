// The report's runs as rows: one per model × target × provider, with what
// every view (terminal, HTML, page) shows of it.
import type { BenchReport, OptimizationEntry, RunEntry } from "../report/schema.js";
import { formatBytes, formatError, formatShare, formatSpeedup } from "./format.js";

export interface ResultRow {
  readonly run: RunEntry;
  readonly optimization: OptimizationEntry | undefined;
  readonly cells: {
    readonly model: string;
    readonly target: string;
    readonly provider: string;
    readonly sites: string;
    readonly speedup: string;
    readonly maxAbs: string;
    readonly cosine: string;
    readonly top1: string;
    readonly fallback: string;
    readonly size: string;
    readonly ops: string;
    readonly note: string;
  };
}

/** Column titles, in order. */
export const resultColumns: readonly [keyof ResultRow["cells"], string][] = [
  ["model", "model"],
  ["target", "target"],
  ["provider", "provider"],
  ["sites", "sites (subst.)"],
  ["speedup", "speedup [95% CI]"],
  ["maxAbs", "max |err|"],
  ["cosine", "cosine"],
  ["top1", "top-1"],
  ["fallback", "CPU fallback before→after"],
  ["size", "size before→after"],
  ["ops", "ops changed"],
  ["note", "note"],
];

export function resultRows(report: BenchReport): ResultRow[] {
  const optimizations = new Map(
    report.optimizations.map((entry) => [`${entry.model}\u0000${entry.target}`, entry]),
  );
  const sizes = new Map(report.models.map((model) => [model.id, model.sizeBytes]));
  const opsBefore = new Map(report.models.map((model) => [model.id, model.ops]));
  return report.runs.map((run) => {
    const optimization = optimizations.get(`${run.model}\u0000${run.target}`);
    const latency = run.latency;
    const accuracy = run.accuracy;
    const provider = run.environment === "chromium" ? `${run.provider} (Chromium)` : run.provider;
    return {
      run,
      optimization,
      cells: {
        model: run.model,
        target: run.target,
        provider,
        sites: optimization ? `${optimization.sites} (${optimization.substituted})` : "—",
        speedup: latency
          ? formatSpeedup(latency.speedup, latency.speedupLow, latency.speedupHigh)
          : "—",
        maxAbs: accuracy ? formatError(accuracy.maxAbs) : "—",
        cosine: accuracy?.cosine == null ? "—" : accuracy.cosine.toFixed(6),
        top1: accuracy ? formatShare(accuracy.top1) : "—",
        fallback: fallbackCell(run),
        size: optimization?.sizeBytes
          ? `${formatBytes(sizes.get(run.model) ?? 0)}→${formatBytes(optimization.sizeBytes)}`
          : "—",
        ops: optimization?.changed
          ? opsChanged(opsBefore.get(run.model) ?? {}, optimization.ops)
          : "—",
        note: noteCell(run),
      },
    };
  });
}

function fallbackCell(run: RunEntry): string {
  const fallback = run.fallback;
  if (!fallback || !run.provider.startsWith("webgpu")) return "—";
  const placed = fallback.placed;
  if (placed) {
    const ops = Object.entries(placed.optimized.cpuOps ?? {})
      .sort((a, b) => b[1] - a[1])
      .map(([op, count]) => `${op}×${count}`);
    const which = ops.length
      ? `; after: ${ops.slice(0, 4).join(" ")}${ops.length > 4 ? " …" : ""}`
      : "";
    return `${placed.original.computeNodesOnCpu}→${placed.optimized.computeNodesOnCpu} placed (predicted ${fallback.predicted.original}→${fallback.predicted.optimized})${which}`;
  }
  return `${fallback.predicted.original}→${fallback.predicted.optimized} predicted`;
}

function noteCell(run: RunEntry): string {
  if (run.status === "unchanged") return "nothing to rewrite for this target";
  if (run.status === "failed") return run.error ?? "failed";
  if (run.latency?.noisy) return `noisy: ${shortNoise(run.latency.noise)}`;
  return "";
}

/** The latency engine's noise reasons in a few words: "load 4.2/2 cores, spread 64%, control 0.93". */
export function shortNoise(reasons: readonly string[]): string {
  const parts: string[] = [];
  let spread = 0;
  for (const reason of reasons) {
    const load = /^load average ([\d.]+) on (\d+) cores/.exec(reason);
    const scatter = /scatter by (\d+)%/.exec(reason);
    const control = /same-model control read ([\d.]+)/.exec(reason);
    if (load) parts.push(`load ${load[1]}/${load[2]} cores`);
    else if (scatter) spread = Math.max(spread, Number(scatter[1]));
    else if (control) parts.push(`control ${control[1]}`);
    else parts.push(reason);
  }
  if (spread > 0) parts.push(`spread ${spread}%`);
  return parts.join(", ");
}

/** The op histogram's difference, before → after: "−Erf×4 +Mul×8 +Sqrt×4" (ops removed first). */
export function opsChanged(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): string {
  const changes: [string, number][] = [];
  for (const op of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const delta = (after[op] ?? 0) - (before[op] ?? 0);
    if (delta !== 0) changes.push([op, delta]);
  }
  changes.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  return (
    changes.map(([op, delta]) => `${delta < 0 ? "−" : "+"}${op}×${Math.abs(delta)}`).join(" ") ||
    "none"
  );
}
