// A small static server for the built example: dist/ on 127.0.0.1 with the
// COOP/COEP headers a production server would send (vite.config.ts sends the
// same in `vite` and `vite preview`).
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".onnx": "application/octet-stream",
};

export interface DistServer {
  readonly origin: string;
  /** Paths the browser asked for, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `root`; `withoutWasm` answers 404 for every .wasm file (a deployment
 * that forgot them), `isolated: false` leaves out COOP/COEP.
 */
export async function serveDist(
  root: string,
  options: { withoutWasm?: boolean; isolated?: boolean } = {},
): Promise<DistServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
    requests.push(`${request.method} ${path}`);
    const file = join(root, normalize(path === "/" ? "/index.html" : path));
    const headers = {
      ...(options.isolated === false
        ? {}
        : {
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Embedder-Policy": "require-corp",
          }),
      "Cache-Control": "no-store",
    };
    const missing = !file.startsWith(root) || !existsSync(file) || !statSync(file).isFile();
    if (missing || (options.withoutWasm && file.endsWith(".wasm"))) {
      response.writeHead(404, { ...headers, "Content-Type": "text/plain" });
      response.end("not found");
      return;
    }
    response.writeHead(200, {
      ...headers,
      "Content-Type": types[extname(file)] ?? "application/octet-stream",
    });
    if (request.method === "HEAD") response.end();
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
