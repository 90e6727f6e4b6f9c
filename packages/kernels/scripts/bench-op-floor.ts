// The hardware floor of one f32x4 op over 64K floats (cache-resident), next to a plain
// copy, in one process: a load → op → store loop in a hand-assembled WASM module, so
// nothing but the op differs from the copy. Shows why squareplus cannot come within
// 1.25× of the copy on CPUs whose f32x4.sqrt alone takes twice the copy's time.
// The measuring is measureOpFloor (@rectify/kernels/bench); this prints it.
//   pnpm --filter @rectify/kernels exec tsx scripts/bench-op-floor.ts
import { measureOpFloor } from "../src/bench/index.js";

const { rows } = await measureOpFloor();
for (const row of rows)
  console.log(
    `${row.op.padEnd(12)} ${row.microsecondsPerCall.toFixed(1).padStart(6)} µs per 64K   ${row.relativeToCopy.toFixed(2)}× copy`,
  );
