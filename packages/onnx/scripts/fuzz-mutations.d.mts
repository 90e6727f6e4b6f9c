// Types for fuzz-mutations.mjs (plain ESM shared by test/fuzz.test.ts and scripts/fuzz.mjs).

/** The parts of @rectify/onnx the fuzzer drives (src in tests, dist in the script). */
export interface FuzzLibrary {
  OnnxError: abstract new (...args: never[]) => Error;
  decodeModel(bytes: Uint8Array, options?: { source?: string }): FuzzModel;
  encodeModel(model: never): Uint8Array;
  modelTensors(model: never): Iterable<{ tensor: FuzzTensor }>;
}
export interface FuzzModel {
  graphs(): Iterable<{ topologicalSort(): void }>;
}
export interface FuzzTensor {
  readonly dims: number[];
  readonly isExternal: boolean;
  readonly dataType: number;
  rawBytes(): Uint8Array;
  toArray(): unknown;
}
export interface CorpusEntry {
  name: string;
  bytes: Uint8Array;
}
export interface FuzzRandom {
  next(): number;
  int(n: number): number;
  range(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Uint8Array;
}
export interface CaseResult {
  outcome: "decoded" | "rejected" | "crashed";
  code: string | undefined;
  irErrors: string[];
  failure: { stage: string; error: string; stack?: string } | undefined;
}
export interface FuzzFailure {
  index: number;
  description: string;
  size: number;
  ms: number;
  stage: string;
  error: string;
  stack?: string;
  bytes: Uint8Array;
}
export interface FuzzSummary {
  seed: number;
  cases: number;
  decoded: number;
  rejected: number;
  crashed: number;
  byCode: Record<string, number>;
  irErrors: Record<string, number>;
  failures: FuzzFailure[];
  failureKinds: Record<string, number>;
  slowest: { ms: number; description: string };
  totalMs: number;
  rssStart: number;
  rssPeak: number;
  rssGrowth: number;
}
export declare const knownErrorCodes: readonly string[];
export declare const testdataRoot: string;
export declare const corpusModels: readonly string[];
export declare function loadCorpus(root?: string, names?: readonly string[]): CorpusEntry[];
export declare function createRandom(seed: number): FuzzRandom;
export declare function caseRandom(seed: number, index: number): FuzzRandom;
export declare function nestedMessages(
  prefix: readonly number[],
  cycle: readonly number[],
  depth: number,
  leaf?: Uint8Array,
): Uint8Array;
export declare function parseFields(
  bytes: Uint8Array,
  start?: number,
  end?: number,
  depth?: number,
): unknown[] | undefined;
export declare function serializeFields(fields: unknown[]): Uint8Array;
export declare function prepareCorpus(corpus: readonly CorpusEntry[]): unknown[];
export declare function generateCase(
  prepared: readonly unknown[],
  random: FuzzRandom,
): { bytes: Uint8Array; description: string };
export declare function runCase(lib: FuzzLibrary, bytes: Uint8Array): CaseResult;
export declare function runFuzz(options: {
  lib: FuzzLibrary;
  corpus: readonly CorpusEntry[];
  seed: number;
  cases: number;
  seconds?: number;
  slowMs?: number;
  maxFailures?: number;
  beforeCase?: (index: number) => void;
  onFailure?: (failure: FuzzFailure) => void;
  onProgress?: (summary: FuzzSummary, index: number) => void;
}): FuzzSummary;
export declare function formatSummary(summary: FuzzSummary): string;
