import { defineConfig } from "tsup";

// The Node side (the CLI); the page and the report viewer are bundled for browsers by scripts/build-browser.ts.
export default defineConfig({
  entry: { "cli/main": "src/cli/main.ts" },
  format: ["esm"],
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "node",
  // The harness ships as TypeScript source (tooling, not a package): bundled in.
  noExternal: ["@rectify/chromium-harness"],
});
