// What the Node CLI sends the bench page in Chromium, and what the page
// exposes for it (window.rectifyBench). Plain JSON: bytes travel as base64.
import type { LatencyOptions } from "@rectify/rewrite/light";
import type { FeedSpec } from "../measure/feeds.js";
import type { KernelsEntry, RunEntry } from "../report/schema.js";

/** One original/optimized pair for one browser provider. */
export interface PageJob {
  readonly model: string;
  readonly target: string;
  readonly provider: string;
  readonly original: string;
  readonly optimized: string;
  readonly feeds: FeedSpec;
  readonly latency: LatencyOptions;
}

/** The page's API for automation (the CLI's browser providers, the tests). */
export interface PageApi {
  /** Providers this browser can run: wasm always, webgpu and webgpu-jsep with an adapter. */
  providers(): Promise<string[]>;
  measure(job: PageJob): Promise<RunEntry>;
  kernels(quick: boolean): Promise<KernelsEntry>;
}

export const pageGlobal = "rectifyBench";

export function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
