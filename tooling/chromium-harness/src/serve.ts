import { createReadStream, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { OnnxruntimeWebFiles } from "./onnxruntime-web.js";

/** Headers of a cross-origin isolated page (SharedArrayBuffer, hence WASM threads). */
export const isolationHeaders: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cache-Control": "no-store",
};

const contentTypes: Record<string, string> = {
  mjs: "text/javascript; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  wasm: "application/wasm",
  map: "application/json",
  onnx: "application/octet-stream",
};

/** What the page server hands out besides / and /page.js. */
export interface PageServerOptions {
  readonly title: string;
  /** The bundled page script, served as /page.js. */
  readonly script: string;
  /** onnxruntime-web's files, served under /ort/ and named in the page's import map. */
  readonly onnxruntimeWeb?: OnnxruntimeWebFiles;
  /** Models by name, served as /models/<name>.onnx. */
  readonly models?: ReadonlyMap<string, Uint8Array>;
}

/** Serves the page on 127.0.0.1 (a free port) with the isolation headers. */
export function servePage(options: PageServerOptions): Promise<Server> {
  const importMap = options.onnxruntimeWeb
    ? `<script type="importmap">${JSON.stringify({ imports: options.onnxruntimeWeb.importMap })}</script>\n`
    : "";
  const html = `<!doctype html><meta charset="utf-8"><title>${options.title}</title>
${importMap}<script type="module" src="/page.js"></script>`;
  const dist = options.onnxruntimeWeb?.dist;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const send = (type: string, body: string | Uint8Array) => {
      response.writeHead(200, { ...isolationHeaders, "Content-Type": type });
      response.end(body);
    };
    const ortFile = /^\/ort\/([\w.-]+\.(mjs|wasm|map))$/.exec(path);
    const modelFile = /^\/models\/([\w.-]+)\.onnx$/.exec(path);
    const model = modelFile ? options.models?.get(modelFile[1]!) : undefined;
    if (path === "/") send("text/html; charset=utf-8", html);
    else if (path === "/favicon.ico") {
      response.writeHead(204, isolationHeaders);
      response.end();
    } else if (path === "/page.js") send(contentTypes.js!, options.script);
    else if (model) send(contentTypes.onnx!, model);
    else if (dist && ortFile && existsSync(join(dist, ortFile[1]!))) {
      response.writeHead(200, { ...isolationHeaders, "Content-Type": contentTypes[ortFile[2]!]! });
      createReadStream(join(dist, ortFile[1]!))
        .on("error", () => response.destroy())
        .pipe(response);
    } else {
      response.writeHead(404, isolationHeaders);
      response.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}
