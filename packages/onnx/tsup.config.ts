import { defineConfig } from "tsup";

export default defineConfig({
  // index.ts for Node; index.browser.ts for browsers (no Node built-ins). Code
  // they share goes to one chunk, so OnnxError and the IR classes stay one.
  entry: ["src/index.ts", "src/index.browser.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  platform: "neutral",
  external: ["node:fs", "node:fs/promises", "node:path", "node:crypto", "node:os"],
});
