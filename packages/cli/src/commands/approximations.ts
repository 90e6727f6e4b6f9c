import { type CatalogRow, catalog } from "@rectify/kernels";
import { formatNumber, formatOps, formatTable } from "../output/table.js";

/** `rectify approximations [activation]`: the kernels catalog with measured errors. */
export function approximationsCommand(
  activation: string | undefined,
  options: { json?: boolean },
): { output: string; code: number } {
  const rows = catalog().filter((row: CatalogRow) => !activation || row.exactName === activation);
  if (options.json) {
    return {
      output: JSON.stringify(
        rows,
        (_key, value) => (typeof value === "number" && !Number.isFinite(value) ? null : value),
        2,
      ),
      code: 0,
    };
  }
  if (rows.length === 0)
    return { output: `no approximations of "${activation}" in the catalog`, code: 2 };
  return {
    output: formatTable(
      [
        "exact",
        "approximation",
        "ops",
        "max |error|",
        "at x",
        "mean |error| N(0,1)",
        "float32 max |error|",
      ],
      rows.map((row) => [
        row.exact,
        row.approximation,
        formatOps(row.ops as Record<string, number>),
        row.maxAbsErrorUnbounded ? "∞" : formatNumber(row.maxAbsError),
        formatNumber(row.argMaxAbsError),
        formatNumber(row.meanAbsErrorNormal),
        formatNumber(row.maxAbsErrorFloat32),
      ]),
    ),
    code: 0,
  };
}
