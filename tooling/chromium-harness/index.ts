// The one Chromium harness of the repository (runtime's browser suite, the
// kernels' WebGPU tests, rewrite's provider probe): bundles a browser entry
// with esbuild, serves it on 127.0.0.1 with the COOP/COEP headers of a
// cross-origin isolated page (so WASM threads work), optionally next to
// onnxruntime-web's own dist files mapped by an import map, and opens it in
// Debian's headless Chromium, whose SwiftShader gives a WebGPU adapter
// without a GPU. Tooling, not product: it ships in no package.
export { bundleBrowserEntry } from "./src/bundle.js";
export {
  chromiumInstalled,
  chromiumLaunchArguments,
  chromiumPath,
  launchChromium,
} from "./src/chromium.js";
export { type OnnxruntimeWebFiles, onnxruntimeWebFiles } from "./src/onnxruntime-web.js";
export { type ChromiumPage, type OpenPageOptions, openChromiumPage } from "./src/open-page.js";
export { isolationHeaders, type PageServerOptions, servePage } from "./src/serve.js";
export { type FolderServer, type ServeFolderOptions, serveFolder } from "./src/serve-folder.js";
