// Number formats shared by the terminal table, the HTML report and the page.

/** A speedup with its interval: "1.23× [1.18–1.29]". */
export function formatSpeedup(speedup: number, low: number, high: number): string {
  return `${speedup.toFixed(2)}× [${low.toFixed(2)}–${high.toFixed(2)}]`;
}

/** An error: 3 significant digits, exponent form outside [1e-3, 1e4). */
export function formatError(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value === 0) return "0";
  return value >= 1e-3 && value < 1e4
    ? String(Number(value.toPrecision(3)))
    : value.toExponential(2);
}

/** A share as a percentage with one decimal. */
export function formatShare(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)}%`;
}

/** Bytes as KB/MB. */
export function formatBytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} KB`;
}

/** Milliseconds with 3 significant digits. */
export function formatMilliseconds(value: number): string {
  return `${Number(value.toPrecision(3))} ms`;
}

/** Elements per second as G/s or M/s. */
export function formatRate(value: number | undefined): string {
  if (value === undefined) return "—";
  return value >= 1e9 ? `${(value / 1e9).toFixed(2)} G/s` : `${(value / 1e6).toFixed(0)} M/s`;
}
