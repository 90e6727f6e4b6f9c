/** Formats rows as an aligned text table (numbers right-aligned); the header is underlined. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const numeric = header.map(
    (_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === "number"),
  );
  const widths = header.map((_, column) =>
    Math.max(...cells.map((row) => [...(row[column] ?? "")].length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => {
        const pad = " ".repeat(widths[column]! - [...cell].length);
        return numeric[column] ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd();
  return [
    line(cells[0]!),
    widths.map((width) => "─".repeat(width)).join("  "),
    ...cells.slice(1).map(line),
  ].join("\n");
}

/** `Relu×3 Add×2` from an op histogram. */
export function formatOps(ops: Readonly<Record<string, number>>): string {
  return Object.entries(ops)
    .map(([op, count]) => (count === 1 ? op : `${op}×${count}`))
    .join(" ");
}

/** A number with 3 significant digits (∞, 0 and null spelled out). */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value === Number.POSITIVE_INFINITY) return "∞";
  if (value === 0) return "0";
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4
    ? String(Number(value.toPrecision(3)))
    : value.toExponential(2);
}
