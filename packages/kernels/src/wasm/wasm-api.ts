/** The parts of the WebAssembly JS API used here (the package compiles without the DOM lib). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** A compiled module, opaque here. */
export type WasmModule = object;

/** An instantiated module. */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

/** The global `WebAssembly` object. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
}

/** The host's WebAssembly, or undefined where there is none. */
export function hostWebAssembly(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}
