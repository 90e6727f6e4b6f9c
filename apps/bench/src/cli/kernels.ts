// The kernels section in Node: the kernels package's own measurements
// (@rectify/kernels/bench), not a copy of them.
import { cpus } from "node:os";
import { measureKernelThroughput, measureOpFloor } from "@rectify/kernels/bench";
import { describeError } from "../measure/describe-error.js";
import { kernelRows, kernelSettings, opFloorRows } from "../measure/kernel-rows.js";
import type { KernelsEntry } from "../report/schema.js";

export async function measureNodeKernels(quick: boolean): Promise<KernelsEntry> {
  const environment = `Node ${process.version}, ${cpus()[0]?.model ?? "CPU"}`;
  try {
    const throughput = await measureKernelThroughput(kernelSettings(quick));
    const floor = await measureOpFloor(quick ? { rounds: 3, callsPerRound: 500 } : {});
    return { environment, rows: kernelRows(throughput), opFloor: opFloorRows(floor) };
  } catch (error) {
    return { environment, rows: [], error: describeError(error) };
  }
}
