// Options of the file I/O functions, apart from them: the browser entry's
// stand-ins (./browser-stubs.ts) take the same options without importing Node code.

/** Options for loadModel. */
export interface LoadOptions {
  /** "load" (default) reads external tensor data now; "skip" leaves it for loadExternalData. */
  externalData?: "load" | "skip";
}

/** How saveModel stores tensor data. */
export interface ExternalDataOptions {
  /** Data file name, relative to the model's folder (default `<model file name>.data`). */
  location?: string;
  /** Initializers with at least this many bytes go to the data file (default 1024). */
  threshold?: number;
  /** Offsets of tensors of 1 MiB or more are aligned to this many bytes (default 4096, the usual page size, so runtimes can mmap them). */
  alignment?: number;
}

/** Options for saveModel. */
export interface SaveOptions {
  /**
   * `undefined` (default): tensors that were external stay external, and a
   * model over 2 GiB moves initializers ≥ 1 KiB out automatically. `false`:
   * everything inline. An object: initializers ≥ threshold go external.
   */
  externalData?: ExternalDataOptions | false;
}
