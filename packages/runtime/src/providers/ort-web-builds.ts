import { RuntimeError } from "../errors.js";
import type { WasmPaths } from "../settings.js";
import { lazyPackage } from "./load-package.js";
import { routeOrtLog } from "./log-capture.js";
import type { OrtModule } from "./ort-tensors.js";

// onnxruntime-node's loader is in ort-node.ts: browser bundles must not see its import.

/**
 * One onnxruntime-web build: the module to import (loaded on first use, so a
 * page that never chooses a provider never downloads its build) and the .wasm
 * file it fetches when its first session is created.
 */
export interface OrtWebBuild {
  /** The key of this build's file in WasmPaths' object form. */
  readonly key: "wasm" | "webgpu";
  /** The import specifier, for messages. */
  readonly specifier: string;
  /** The file onnxruntime-web fetches in browsers (in the package's dist folder). */
  readonly wasmFile: string;
  /**
   * Imports the build and, before its first session, points it at `wasmPaths`.
   * OPTIONS_INVALID when a session asks for other paths than the build was
   * started with (onnxruntime-web reads them once).
   */
  load(wasmPaths: WasmPaths | undefined): Promise<OrtModule>;
  /**
   * Called before each session creation (the build reads its paths now);
   * returns what to call when the creation is over.
   */
  starting(): () => void;
  /** The absolute URL of the .wasm file as this build will fetch (or fetched) it, when known. */
  wasmUrl(): string | undefined;
}

interface OrtEnvironment {
  env?: { wasm?: { wasmPaths?: unknown } };
}

function ortWebBuild(
  key: OrtWebBuild["key"],
  specifier: string,
  wasmFile: string,
  importBuild: () => Promise<unknown>,
): OrtWebBuild {
  const load = lazyPackage("onnxruntime-web", importBuild);
  let applied: string | undefined;
  let started = false;
  const stem = wasmFile.replace(/\.wasm$/, "");
  const fileUrl = (paths: WasmPaths | undefined): string | undefined => {
    if (paths === undefined) return undefined;
    if (typeof paths === "string" || paths instanceof URL) {
      const folder = String(paths);
      return `${folder}${folder.endsWith("/") ? "" : "/"}${wasmFile}`;
    }
    const file = paths[key];
    return file === undefined ? undefined : String(file);
  };
  return {
    key,
    specifier,
    wasmFile,
    async load(wasmPaths) {
      const ort = await load();
      if (!started && readsPlacementHere()) {
        // Before the build starts: onnxruntime-web binds its console functions then, and a
        // session that reads its placement logs verbosely through them (routeOrtLog keeps those lines off the page).
        routeOrtLog();
      }
      const url = fileUrl(wasmPaths);
      if (url !== applied) {
        if (started)
          throw new RuntimeError(
            "OPTIONS_INVALID",
            `${specifier} already started with its .wasm file at ${applied ?? "its default place (next to the script)"}; it reads wasmPaths once, so set it (configureRuntime or the first session's options) before the first session on it`,
          );
        const env = (ort as unknown as OrtEnvironment).env;
        // A file URL per build (onnxruntime-web's { wasm } form), so one setting serves both builds.
        if (env?.wasm) env.wasm.wasmPaths = url === undefined ? undefined : { wasm: url };
        applied = url;
      }
      return ort;
    },
    starting() {
      started = true;
      // Unset, onnxruntime-web resolves the file against its own script (wherever the bundler put it): note the URL it fetches.
      return applied === undefined ? watchFetches() : () => {};
    },
    wasmUrl() {
      if (applied !== undefined) return absolute(applied);
      // The file's name, or a bundler's hashed copy of it (ort-wasm-simd-threaded.jsep-<hash>.wasm).
      const isFile = (url: string) => {
        const name = fileName(url);
        return name === wasmFile || (name.startsWith(`${stem}-`) && name.endsWith(".wasm"));
      };
      const fetched = fetchedUrls.findLast(isFile);
      if (fetched !== undefined) return absolute(fetched);
      // A request whose response was read shows in the page's resource timing (one that failed with 404 unread does not).
      const performanceApi = globalThis.performance as
        | { getEntriesByType?(type: string): { name: string }[] }
        | undefined;
      const entries = performanceApi?.getEntriesByType?.("resource") ?? [];
      return entries.map((entry) => entry.name).findLast(isFile);
    },
  };
}

/** URLs of .wasm files fetched while a build without wasmPaths created a session (the last 20). */
const fetchedUrls: string[] = [];
let watchers = 0;
let unwatched: typeof fetch | undefined;
let watching: typeof fetch | undefined;

/**
 * Notes the .wasm URLs that fetch() is asked for until the returned function
 * is called (onnxruntime-web's failed fetch of a missing file leaves no
 * resource timing entry). Requests pass through unchanged.
 */
function watchFetches(): () => void {
  const scope = globalThis as { fetch?: typeof fetch };
  if (typeof scope.fetch !== "function") return () => {};
  if (watchers++ === 0) {
    const original = scope.fetch;
    unwatched = original;
    watching = function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (/\.wasm(?:[?#]|$)/i.test(url)) {
        fetchedUrls.push(url);
        if (fetchedUrls.length > 20) fetchedUrls.shift();
      }
      return original.call(this, input, init);
    } as typeof fetch;
    scope.fetch = watching;
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--watchers === 0) {
      // Put the original back unless someone replaced fetch since.
      if (scope.fetch === watching) scope.fetch = unwatched;
      watching = unwatched = undefined;
    }
  };
}

function fileName(url: string): string {
  return (
    url
      .replace(/[?#].*$/, "")
      .split("/")
      .pop() ?? ""
  );
}

function absolute(url: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

/** onnxruntime-web's main build (the wasm provider, and the JS WebGPU provider, JSEP). */
export const ortWebMain: OrtWebBuild = ortWebBuild(
  "wasm",
  "onnxruntime-web",
  "ort-wasm-simd-threaded.jsep.wasm",
  () => import("onnxruntime-web"),
);

/** onnxruntime-web's WebGPU build (the C++ WebGPU provider). */
export const ortWebGpu: OrtWebBuild = ortWebBuild(
  "webgpu",
  "onnxruntime-web/webgpu",
  "ort-wasm-simd-threaded.asyncify.wasm",
  () => import("onnxruntime-web/webgpu"),
);

/** Browsers: onnxruntime-web logs to the console there, where placement can be read (Node's build writes to stderr). */
function readsPlacementHere(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== "undefined";
}
