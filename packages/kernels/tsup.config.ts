import { defineConfig } from "tsup";

export default defineConfig({
  // Named entries: dist/index.js and dist/bench/index.js (the @rectify/kernels/bench subpath).
  entry: { index: "src/index.ts", "bench/index": "src/bench/index.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
});
