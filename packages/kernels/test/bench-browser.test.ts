// @rectify/kernels/bench in a browser: a page bundled from the entry runs the
// WASM/JS and WGSL throughput measurements in headless Chromium (SwiftShader
// WebGPU, so the GPU rates say nothing about GPU speed) and returns data.
// Skipped where Debian's chromium is not installed.
import { bundleBrowserEntry, chromiumInstalled, openChromiumPage } from "@rectify/chromium-harness";
import { describe, expect, it } from "vitest";
import type { BenchPage } from "./support/bench-page.js";

const ids = ["relu", "softplus", "softmax", "softplus-squaring{n=4,k=1,terms=2}"];
const positiveFinite = (value: number) => Number.isFinite(value) && value > 0;

describe.skipIf(!chromiumInstalled)("@rectify/kernels/bench in headless Chromium", () => {
  it("measures WGSL and WASM/JS throughput on the page: positive rates for every id", async () => {
    const opened = await openChromiumPage({
      title: "rectify kernels bench",
      script: await bundleBrowserEntry(new URL("./support/bench-page.ts", import.meta.url)),
      readyGlobal: "rectifyBench",
    });
    try {
      const { cpu, gpu } = await opened.page.evaluate(
        (wanted) =>
          (globalThis as unknown as { rectifyBench: BenchPage }).rectifyBench.measure(wanted),
        ids,
      );
      expect(gpu.rows.map((row) => row.id)).toEqual(ids);
      expect(gpu.sizes).toEqual([4096]);
      for (const row of gpu.rows)
        expect([row.wgsl, row.copyWgsl].every(positiveFinite), JSON.stringify(row)).toBe(true);
      expect(cpu.rows.map((row) => row.id)).toEqual(ids);
      for (const row of cpu.rows)
        expect(
          [row.js, row.wasm, row.copyJs, row.copyWasm].every(positiveFinite),
          JSON.stringify(row),
        ).toBe(true);
    } catch (error) {
      throw new Error(`${String(error)}\npage log: ${opened.log.join("\n")}`, { cause: error });
    } finally {
      await opened.close();
    }
  });
});
