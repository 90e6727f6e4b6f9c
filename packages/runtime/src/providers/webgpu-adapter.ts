import type { Availability } from "./provider.js";

/** A WebGPU adapter can be had (navigator.gpu exists and requestAdapter gives one). */
export async function webGpuAdapterAvailability(): Promise<Availability> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } })
    .navigator?.gpu;
  if (!gpu)
    return { available: false, reason: "navigator.gpu is missing (no WebGPU in this environment)" };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter
      ? { available: true }
      : { available: false, reason: "navigator.gpu.requestAdapter() returned no adapter" };
  } catch (error) {
    return {
      available: false,
      reason: `requestAdapter failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
