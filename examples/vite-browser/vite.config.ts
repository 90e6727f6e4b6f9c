import { defineConfig } from "vite";

// Cross-origin isolation: SharedArrayBuffer, hence onnxruntime-web's WASM threads.
const isolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  build: {
    rolldownOptions: {
      output: {
        // onnxruntime-web starts its WASM threads as module workers of its own
        // chunk. Without a group, rolldown puts its helpers in the page's entry
        // chunk, which that chunk imports: each worker would run the page.
        // With one, the helpers go to a chunk of their own.
        codeSplitting: {
          groups: [
            {
              // One chunk per onnxruntime-web build (ort.bundle.min, ort.webgpu.bundle.min).
              debugName: "onnxruntime-web builds",
              name: (id) =>
                /[\\/]onnxruntime-web[\\/]dist[\\/](ort[\w.]*)\.mjs$/.exec(id)?.[1] ?? null,
            },
          ],
        },
      },
    },
  },
});
