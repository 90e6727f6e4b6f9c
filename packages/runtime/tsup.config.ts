import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.node.ts", "src/index.browser.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  external: ["onnxruntime-node", "onnxruntime-web", "onnxruntime-web/webgpu"],
});
