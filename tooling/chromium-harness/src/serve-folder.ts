// A static file server as a user's host would be: the files of one folder on
// 127.0.0.1, with the COOP/COEP headers of a cross-origin isolated page
// unless told otherwise. The Vite example and the smoke test serve their
// built apps with it.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { isolationHeaders } from "./serve.js";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".map": "application/json",
  ".onnx": "application/octet-stream",
};

/** A running folder server. */
export interface FolderServer {
  readonly origin: string;
  /** Requests so far as `<status> <path>` (for failure messages and checks). */
  readonly requests: string[];
  close(): Promise<void>;
}

/** How the folder is served. */
export interface ServeFolderOptions {
  /** COOP/COEP on every response (default true); false serves a page that is not cross-origin isolated. */
  readonly isolated?: boolean;
  /** Paths to answer with 404 although the file exists (a deployment that forgot them). */
  readonly withhold?: (path: string) => boolean;
  /** Port to listen on (default: a free one). */
  readonly port?: number;
}

/** Serves `folder` (index.html at /) on a free port of 127.0.0.1; nothing outside it. */
export async function serveFolder(
  folder: string,
  options: ServeFolderOptions = {},
): Promise<FolderServer> {
  const requests: string[] = [];
  const headers = {
    ...(options.isolated === false ? {} : isolationHeaders),
    "Cache-Control": "no-store",
  };
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
    const file = normalize(join(folder, path === "/" ? "index.html" : path));
    const notFound = () => {
      requests.push(`404 ${path}`);
      response.writeHead(404, { ...headers, "Content-Type": "text/plain" });
      response.end("not found");
    };
    if (!file.startsWith(folder) || options.withhold?.(path)) return notFound();
    stat(file).then(
      (info) => {
        if (!info.isFile()) return notFound();
        requests.push(`200 ${path}`);
        response.writeHead(200, {
          ...headers,
          "Content-Type": contentTypes[extname(file)] ?? "application/octet-stream",
        });
        if (request.method === "HEAD") return response.end();
        createReadStream(file)
          .on("error", () => response.destroy())
          .pipe(response);
      },
      () => notFound(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
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
