// The hardware floor of one f32x4 op over 64K floats (cache-resident), next to a plain
// copy, in one process: a load → op → store loop in a hand-assembled WASM module, so
// nothing but the op differs from the copy. Shows why squareplus cannot come within
// 1.25× of the copy on CPUs whose f32x4.sqrt alone takes twice the copy's time.
//   pnpm --filter @rectify/kernels exec tsx scripts/bench-op-floor.ts
/** The WebAssembly JS API parts used here (the package compiles without the DOM lib). */
interface WebAssemblyHost {
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  instantiate(
    bytes: Uint8Array,
    imports: object,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmHost = (globalThis as unknown as { WebAssembly: WebAssemblyHost }).WebAssembly;

const floats = 65536;
const bytes = floats * 4;

/** (func (param $in i32) (param $out i32) (param $i i32) loop { store(out+i, OP(load(in+i))); i += 16 } while i < bytes) */
function loopModule(op: number[]): Uint8Array {
  const limit = [0x80, 0x80, 0x10]; // LEB128 of 262144 = bytes
  const body = [
    ...[0x03, 0x40],
    ...[0x20, 1, 0x20, 2, 0x6a],
    ...[0x20, 0, 0x20, 2, 0x6a, 0xfd, 0, 4, 0],
    ...op,
    ...[0xfd, 11, 4, 0],
    ...[0x20, 2, 0x41, 16, 0x6a, 0x22, 2],
    ...[0x41, ...limit, 0x49, 0x0d, 0],
    0x0b,
  ];
  const code = [0, ...body, 0x0b];
  const fn = [code.length, ...code];
  return new Uint8Array([
    ...[0, 97, 115, 109, 1, 0, 0, 0],
    ...[1, 7, 1, 0x60, 3, 0x7f, 0x7f, 0x7f, 0],
    ...[2, 8, 1, 1, 101, 1, 109, 2, 0, 8],
    ...[3, 2, 1, 0],
    ...[7, 5, 1, 1, 102, 0, 0],
    ...[10, fn.length + 1, 1, ...fn],
  ]);
}

const loadSecond = [0x20, 0, 0xfd, 0, 4, 0]; // the same vector again as second operand
const ops: Record<string, number[]> = {
  copy: [],
  "f32x4.mul": [...loadSecond, 0xfd, 0xe6, 0x01],
  "f32x4.pmax": [...loadSecond, 0xfd, 0xf7, 0x01],
  "f32x4.max": [...loadSecond, 0xfd, 0xe9, 0x01],
  "f32x4.div": [...loadSecond, 0xfd, 0xe7, 0x01],
  "f32x4.sqrt": [0xfd, 0xe3, 0x01],
};

const memory = new wasmHost.Memory({ initial: 16 });
new Float32Array(memory.buffer, 0, floats).forEach((_, i, a) => {
  a[i] = (i % 100) + 0.5;
});
const runs: [string, (a: number, b: number, c: number) => void][] = [];
for (const [name, op] of Object.entries(ops)) {
  const { instance } = await wasmHost.instantiate(loopModule(op), { e: { m: memory } });
  runs.push([name, instance.exports.f as (a: number, b: number, c: number) => void]);
}
const times = new Map<string, number[]>(runs.map(([name]) => [name, []]));
for (let round = 0; round < 7; round++) {
  for (const [name, f] of runs) {
    const start = performance.now();
    for (let i = 0; i < 2000; i++) f(0, bytes, 0);
    times.get(name)!.push(((performance.now() - start) / 2000) * 1000);
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const copy = median(times.get("copy")!);
for (const [name, t] of times)
  console.log(
    `${name.padEnd(12)} ${median(t).toFixed(1).padStart(6)} µs per 64K   ${(median(t) / copy).toFixed(2)}× copy`,
  );
