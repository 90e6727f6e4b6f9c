// Benchmark: plain JS (activation.kernel) vs WASM SIMD (on allocate()d views,
// no copies) vs a plain copy (JS set, WASM memory.copy), for every registered
// activation at its defaults and every approximation in the catalog, at 64K
// (cache-resident) and 16M floats. The compared things are interleaved in
// each round and the median of the rounds is reported. The measuring is
// measureKernelThroughput (@rectify/kernels/bench); this prints it.
//   pnpm --filter @rectify/kernels bench [--json] [--rounds N] [--sizes 65536,16777216] [--ids relu,softplus]
import { type KernelThroughputRow, measureKernelThroughput } from "../src/bench/index.js";

const json = process.argv.includes("--json");
const flag = (name: string) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const roundsFlag = flag("--rounds");
const sizesFlag = flag("--sizes");
const idsFlag = flag("--ids");

function label(n: number): string {
  return n >= 1 << 20 ? `${n >> 20}M` : `${n >> 10}K`;
}

async function main() {
  const { sizes, rows } = await measureKernelThroughput({
    ...(roundsFlag !== undefined && { rounds: Number(roundsFlag) }),
    ...(sizesFlag !== undefined && { sizes: sizesFlag.split(",").map(Number) }),
    ...(idsFlag !== undefined && { ids: idsFlag.split(",") }),
    onProgress: json ? undefined : () => process.stderr.write("."),
  });
  if (!json) process.stderr.write("\n");

  const find = (id: string, n: number) => rows.find((row) => row.id === id && row.size === n);
  const targets: { name: string; measured: string; pass: boolean }[] = [];
  for (const n of sizes) {
    const squareplus = find("squareplus", n);
    const softplus = find("softplus", n);
    if (squareplus && softplus) {
      const ratio = squareplus.wasm / softplus.wasm;
      targets.push({
        name: `squareplus WASM ≥ 6× softplus WASM (${label(n)})`,
        measured: `${ratio.toFixed(2)}×`,
        pass: ratio >= 6,
      });
    }
  }
  const squareplusSmall = find("squareplus", sizes[0]!);
  if (squareplusSmall) {
    const ratio = squareplusSmall.copyWasm / squareplusSmall.wasm;
    targets.push({
      name: "squareplus WASM within 1.25× of the WASM copy (64K)",
      measured: `copy/WASM ${ratio.toFixed(2)}×`,
      pass: ratio <= 1.25,
    });
  }
  for (const n of sizes) {
    const transcendental = rows.filter((row) => row.size === n && row.transcendental);
    const slowest = transcendental.reduce<KernelThroughputRow | undefined>(
      (worst, row) => (!worst || row.wasm / row.js < worst.wasm / worst.js ? row : worst),
      undefined,
    );
    if (slowest)
      targets.push({
        name: `WASM ≥ 4× plain JS for every transcendental activation (${label(n)})`,
        measured: `min ${(slowest.wasm / slowest.js).toFixed(2)}× (${slowest.id}); ${transcendental.filter((row) => row.wasm / row.js < 4).length} of ${transcendental.length} below`,
        pass: transcendental.every((row) => row.wasm / row.js >= 4),
      });
  }

  if (json) {
    // The rows as this script always printed them: n for the size, no rounds.
    const legacy = rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      n: row.size,
      fused: row.fused,
      transcendental: row.transcendental,
      js: row.js,
      wasm: row.wasm,
      copyJs: row.copyJs,
      copyWasm: row.copyWasm,
    }));
    process.stdout.write(`${JSON.stringify(legacy, null, 2)}\n`);
    return;
  }
  const header = [
    "activation".padEnd(34),
    "n".padStart(4),
    "JS Mel/s".padStart(9),
    "WASM Mel/s".padStart(11),
    "WASM/JS".padStart(8),
    "copyJS".padStart(8),
    "copyWASM".padStart(9),
    "copy/WASM".padStart(10),
    " kernel",
  ].join(" ");
  const lines = [header, "-".repeat(header.length)];
  for (const row of rows) {
    lines.push(
      [
        `${row.id}${row.kind === "approximation" ? " (approx)" : ""}`.padEnd(34),
        label(row.size).padStart(4),
        (row.js / 1e6).toFixed(0).padStart(9),
        (row.wasm / 1e6).toFixed(0).padStart(11),
        `${(row.wasm / row.js).toFixed(1)}×`.padStart(8),
        (row.copyJs / 1e6).toFixed(0).padStart(8),
        (row.copyWasm / 1e6).toFixed(0).padStart(9),
        `${(row.copyWasm / row.wasm).toFixed(2)}×`.padStart(10),
        ` ${row.fused ? "fused" : "interpreted"}${row.transcendental ? ", transcendental" : ""}`,
      ].join(" "),
    );
  }
  lines.push("", "Targets:");
  for (const target of targets)
    lines.push(`  ${target.pass ? "PASS" : "FAIL"}  ${target.name}: ${target.measured}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
