// A static file server as a user's host would be: the files of one folder
// on 127.0.0.1, with the COOP/COEP headers of a cross-origin isolated page.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { isolationHeaders } from "@rectify/chromium-harness";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".map": "application/json",
};

export interface StaticServer {
  readonly origin: string;
  /** Paths requested so far, with their status (for failure messages). */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves `folder` (index.html at /) on a free port of 127.0.0.1. */
export async function serveFolder(folder: string): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
    const file = normalize(join(folder, path === "/" ? "index.html" : path));
    const notFound = () => {
      requests.push(`404 ${path}`);
      response.writeHead(404, isolationHeaders);
      response.end();
    };
    if (!file.startsWith(folder)) return notFound();
    stat(file).then(
      (info) => {
        if (!info.isFile()) return notFound();
        requests.push(`200 ${path}`);
        response.writeHead(200, {
          ...isolationHeaders,
          "Content-Type": contentTypes[extname(file)] ?? "application/octet-stream",
        });
        createReadStream(file)
          .on("error", () => response.destroy())
          .pipe(response);
      },
      () => notFound(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
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
