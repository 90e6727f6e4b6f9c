// Benchmark: plain JS (activation.kernel) vs WASM SIMD (on allocate()d views,
// no copies) vs a plain copy (JS set, WASM memory.copy), for every registered
// activation at its defaults and every approximation in the catalog, at 64K
// (cache-resident) and 16M floats. The compared things are interleaved in
// each round and the median of the rounds is reported.
//   pnpm --filter @rectify/kernels bench [--json] [--rounds N] [--sizes 65536,16777216]
import { type Activation, instantiate, type Parameters } from "../src/activation/activation.js";
import { activations, getActivation } from "../src/activations/index.js";
import { approximations } from "../src/approximations/index.js";
import { opsUsed, transcendentalOps } from "../src/expression/expression.js";
import { loadWasmKernels } from "../src/wasm/wasm-kernels.js";

const json = process.argv.includes("--json");
const roundsFlag = process.argv.indexOf("--rounds");
const rounds = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 5;
const sizesFlag = process.argv.indexOf("--sizes");
const sizes =
  sizesFlag > 0 ? process.argv[sizesFlag + 1]!.split(",").map(Number) : [65536, 16 * 1024 * 1024];

interface Row {
  id: string;
  kind: "activation" | "approximation";
  n: number;
  fused: boolean;
  transcendental: boolean;
  /** Elements per second. */
  js: number;
  wasm: number;
  copyJs: number;
  copyWasm: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** Runs `fn` enough times to take ≥ 20 ms (at least once); elements per second. */
function rate(n: number, fn: () => void): number {
  let repeats = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    repeats++;
    elapsed = performance.now() - start;
  } while (elapsed < 20);
  return (n * repeats) / (elapsed / 1000);
}

function benchmarkList(): { activation: Activation; kind: Row["kind"] }[] {
  const list: { activation: Activation; kind: Row["kind"] }[] = activations.map((definition) => ({
    activation: instantiate(definition),
    kind: "activation",
  }));
  const seen = new Set(list.map((entry) => entry.activation.id));
  for (const entry of approximations) {
    const exact = instantiate(getActivation(entry.exact), entry.exactParams);
    const params =
      typeof entry.params === "function" ? entry.params(exact.params) : (entry.params ?? {});
    const activation = instantiate(
      getActivation(entry.approximation),
      params as Partial<Parameters>,
    );
    if (seen.has(activation.id)) continue;
    seen.add(activation.id);
    list.push({ activation, kind: "approximation" });
  }
  return list;
}

async function main() {
  const wasm = await loadWasmKernels();
  const list = benchmarkList();
  const rows: Row[] = [];
  for (const n of sizes) {
    // One pair of buffers per size, inside WASM memory, reused by every kernel.
    let input = wasm.allocate(n);
    const output = wasm.allocate(n);
    input = wasm.refresh(input);
    for (let i = 0; i < n; i++) input[i] = ((i * 7919) % 20011) / 1000 - 10;
    const jsInput = new Float32Array(input);
    const jsOutput = new Float32Array(n);
    const jsLength = Math.min(n, 1 << 20);
    for (const { activation, kind } of list) {
      const kernel = wasm.kernel(activation);
      const rowLength = activation.reduces ? 64 : undefined;
      const outLength = activation.reducesToScalar ? n / 64 : n;
      const wasmOutput = output.subarray(0, outLength);
      const jsOut = jsOutput.subarray(0, outLength);
      const samples = { js: [] as number[], wasm: [] as number[], copyJs: [] as number[] };
      const copyWasm: number[] = [];
      // The plain-JS kernels of reducing activations box every row through
      // float64 arrays: slow enough that one repeat at 16M is plenty.
      for (let round = 0; round < (n > 1 << 20 ? Math.min(rounds, 3) : rounds); round++) {
        samples.wasm.push(rate(n, () => kernel(input, wasmOutput, rowLength)));
        // Plain JS at 16M runs on the first 1M elements (the interpreted JS loops of the
        // approximating forms take ~10 s per 16M call); the rate is per element either way.
        samples.js.push(
          rate(jsLength, () =>
            activation.kernel(
              jsInput.subarray(0, jsLength),
              jsOut.subarray(0, activation.reducesToScalar ? jsLength / 64 : jsLength),
              rowLength,
            ),
          ),
        );
        samples.copyJs.push(rate(n, () => jsOutput.set(jsInput)));
        copyWasm.push(rate(n, () => wasm.copy(input, output)));
      }
      rows.push({
        id: activation.id,
        kind,
        n,
        fused: kernel.fused,
        transcendental: opsUsed(activation.expression).some((op) => transcendentalOps.has(op)),
        js: median(samples.js),
        wasm: median(samples.wasm),
        copyJs: median(samples.copyJs),
        copyWasm: median(copyWasm),
      });
      if (!json) process.stderr.write(".");
    }
    wasm.release(output);
    wasm.release(input);
  }
  if (!json) process.stderr.write("\n");

  const find = (id: string, n: number) => rows.find((row) => row.id === id && row.n === n);
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
    const transcendental = rows.filter((row) => row.n === n && row.transcendental);
    const slowest = transcendental.reduce<Row | undefined>(
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
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
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
        label(row.n).padStart(4),
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

function label(n: number): string {
  return n >= 1 << 20 ? `${n >> 20}M` : `${n >> 10}K`;
}

await main();
