// The kernels section in Node: the kernels package's own measurements
// (@rectify/kernels/bench), not a copy of them.
import { cpus } from "node:os";
import { describeError } from "../measure/describe-error.js";
import type { KernelsEntry } from "../report/schema.js";

export async function measureNodeKernels(quick: boolean): Promise<KernelsEntry> {
  const environment = `Node ${process.version}, ${cpus()[0]?.model ?? "CPU"}`;
  try {
    const bench = await import("@rectify/kernels/bench");
    const throughput = await bench.measureKernelThroughput(
      quick ? { sizes: [65536], rounds: 3 } : { sizes: [65536, 4 * 1024 * 1024], rounds: 5 },
    );
    return { environment, rows: throughput.rows.map((row) => ({ ...row })) };
  } catch (error) {
    return { environment, rows: [], error: describeError(error) };
  }
}
