import { serveFolder } from "@rectify/chromium-harness";
import { webFolder } from "./browser-bench.js";

/** Serves the bench page (COOP/COEP set, so WASM threads work) until the process is stopped. */
export async function serveBenchPage(port: number): Promise<void> {
  const server = await serveFolder(webFolder, port ? { port } : {});
  console.log(`rectify bench page: ${server.origin}/  (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => {
      void server.close().then(resolve);
    });
  });
}
