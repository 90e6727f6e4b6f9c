/** Formats an error for messages: 3 significant digits. */
export function formatError(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "∞";
  if (value === 0) return "0";
  return value >= 1e-3 && value < 1e4
    ? String(Number(value.toPrecision(3)))
    : value.toExponential(2);
}
