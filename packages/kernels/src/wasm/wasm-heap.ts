import { KernelsError } from "../errors/kernels-error.js";
import type { WasmMemory } from "./wasm-api.js";

const pageBytes = 65536;
const alignment = 16;

interface Block {
  offset: number;
  bytes: number;
}

/**
 * First-fit allocator over a WASM memory above the module's static data.
 * Growing the memory detaches every ArrayBuffer view of it; the heap keeps
 * each allocated view's place so `refresh` can hand out a live view again.
 */
export class WasmHeap {
  private top: number;
  private readonly free: Block[] = [];
  private readonly places = new WeakMap<Float32Array, Block & { length: number }>();

  constructor(
    readonly memory: WasmMemory,
    base: number,
  ) {
    this.top = align(base);
  }

  /** Byte offset of `length` floats (16-byte aligned), growing the memory when needed. */
  allocateBytes(bytes: number): number {
    const size = align(Math.max(bytes, alignment));
    for (let i = 0; i < this.free.length; i++) {
      const block = this.free[i]!;
      if (block.bytes < size) continue;
      const offset = block.offset;
      if (block.bytes === size) this.free.splice(i, 1);
      else {
        block.offset += size;
        block.bytes -= size;
      }
      return offset;
    }
    const offset = this.top;
    const end = offset + size;
    const available = this.memory.buffer.byteLength;
    if (end > available) {
      const pages = Math.ceil((end - available) / pageBytes);
      try {
        this.memory.grow(pages);
      } catch (cause) {
        throw new KernelsError(
          "INPUT_INVALID",
          `WASM memory cannot grow by ${pages} pages to ${end} bytes (the 4 GiB limit or the host's); use smaller arrays`,
          { cause },
        );
      }
    }
    this.top = end;
    return offset;
  }

  /** Returns a block to the free list, merging neighbours. */
  releaseBytes(offset: number, bytes: number): void {
    const size = align(Math.max(bytes, alignment));
    if (offset + size === this.top) {
      this.top = offset;
      const last = this.free[this.free.length - 1];
      if (last && last.offset + last.bytes === this.top) {
        this.top = last.offset;
        this.free.pop();
      }
      return;
    }
    let i = 0;
    while (i < this.free.length && this.free[i]!.offset < offset) i++;
    this.free.splice(i, 0, { offset, bytes: size });
    const merge = (at: number) => {
      const a = this.free[at];
      const b = this.free[at + 1];
      if (a && b && a.offset + a.bytes === b.offset) {
        a.bytes += b.bytes;
        this.free.splice(at + 1, 1);
      }
    };
    merge(i);
    if (i > 0) merge(i - 1);
  }

  /** A Float32Array of `length` floats inside the memory, remembered for refresh/release. */
  allocate(length: number): Float32Array {
    if (!Number.isInteger(length) || length < 0)
      throw new KernelsError(
        "INPUT_INVALID",
        `allocate: length must be a non-negative integer, got ${String(length)}`,
      );
    const bytes = length * 4;
    const offset = this.allocateBytes(bytes);
    const view = new Float32Array(this.memory.buffer, offset, length);
    this.places.set(view, { offset, bytes, length });
    return view;
  }

  /** Frees a view from `allocate` (it must not be used afterwards). */
  release(view: Float32Array): void {
    const place = this.places.get(view);
    if (!place)
      throw new KernelsError("INPUT_INVALID", "release: the array was not returned by allocate()");
    this.places.delete(view);
    this.releaseBytes(place.offset, place.bytes);
  }

  /** A live view of the same floats as `view` (after memory growth detached it); the old view is forgotten. */
  refresh(view: Float32Array): Float32Array {
    const place = this.places.get(view);
    if (!place)
      throw new KernelsError("INPUT_INVALID", "refresh: the array was not returned by allocate()");
    if (view.buffer === this.memory.buffer) return view;
    const fresh = new Float32Array(this.memory.buffer, place.offset, place.length);
    this.places.delete(view);
    this.places.set(fresh, place);
    return fresh;
  }

  /** True when `view` came from allocate() but memory growth has since detached it. */
  isDetached(view: Float32Array): boolean {
    return this.places.has(view) && view.buffer !== this.memory.buffer;
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / alignment) * alignment;
}
