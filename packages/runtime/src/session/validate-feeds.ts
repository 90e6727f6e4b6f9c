import type { Feeds, InputDeclaration } from "@rectify/rewrite/light";
import { RuntimeError } from "../errors.js";

function expectedShape(declaration: InputDeclaration): string {
  if (!declaration.shape) return "any shape";
  return `[${declaration.shape.map((dim) => (typeof dim === "number" ? String(dim) : (dim ?? "?"))).join(", ")}]`;
}

/**
 * Checks feeds against the model's declared inputs before onnxruntime sees
 * them: every required input given, no unknown names, element types, ranks
 * and static dims. INPUT_INVALID names the input and what was expected.
 */
export function validateFeeds(declarations: readonly InputDeclaration[], feeds: Feeds): void {
  feedValidator(declarations)(feeds);
}

/** validateFeeds with the declarations' lookups built once (a session checks every run). */
export function feedValidator(declarations: readonly InputDeclaration[]): (feeds: Feeds) => void {
  const known = new Set(declarations.map((declaration) => declaration.name));
  return (feeds) => checkFeeds(declarations, known, feeds);
}

function checkFeeds(
  declarations: readonly InputDeclaration[],
  known: ReadonlySet<string>,
  feeds: Feeds,
): void {
  // Callers from plain JavaScript can pass anything: a wrong value is INPUT_INVALID, never a raw TypeError.
  if (typeof feeds !== "object" || feeds === null || Array.isArray(feeds)) {
    throw new RuntimeError(
      "INPUT_INVALID",
      `feeds must be an object keyed by input name, got ${feeds === null ? "null" : Array.isArray(feeds) ? "an array" : typeof feeds}; pass e.g. { ${declarations[0]?.name ?? "x"}: { type, dims, data } }`,
    );
  }
  for (const name in feeds) {
    if (!known.has(name)) {
      throw new RuntimeError(
        "INPUT_INVALID",
        `the model has no input "${name}"; its inputs: ${[...known].join(", ") || "none"}`,
      );
    }
  }
  for (let index = 0; index < declarations.length; index++) {
    const declaration = declarations[index]!;
    const feed = feeds[declaration.name];
    if (!feed) {
      if (declaration.optional) continue;
      throw new RuntimeError(
        "INPUT_INVALID",
        `input "${declaration.name}" is missing: expected ${declaration.type} ${expectedShape(declaration)}`,
      );
    }
    if (
      typeof feed !== "object" ||
      !Array.isArray(feed.dims) ||
      !ArrayBuffer.isView(feed.data) ||
      typeof (feed.data as { length?: unknown }).length !== "number"
    ) {
      throw new RuntimeError(
        "INPUT_INVALID",
        `input "${declaration.name}" must be a tensor { type, dims: number[], data: TypedArray }`,
      );
    }
    if (feed.type !== declaration.type) {
      throw new RuntimeError(
        "INPUT_INVALID",
        `input "${declaration.name}" is ${feed.type}, expected ${declaration.type} ${expectedShape(declaration)}`,
      );
    }
    // Plain loops, no closures: this runs before every session.run (see scripts/bench-overhead.ts).
    const dims = feed.dims;
    let count = 1;
    for (let axis = 0; axis < dims.length; axis++) count *= dims[axis]!;
    if (feed.data.length !== count) {
      throw new RuntimeError(
        "INPUT_INVALID",
        `input "${declaration.name}" has ${feed.data.length} elements but dims [${feed.dims.join(", ")}] need ${count}`,
      );
    }
    const shape = declaration.shape;
    if (!shape) continue;
    if (feed.dims.length !== shape.length) {
      throw new RuntimeError(
        "INPUT_INVALID",
        `input "${declaration.name}" has rank ${feed.dims.length} ([${feed.dims.join(", ")}]), expected ${expectedShape(declaration)}`,
      );
    }
    for (let axis = 0; axis < shape.length; axis++) {
      const dim = shape[axis];
      if (typeof dim === "number" && dims[axis] !== dim) {
        throw new RuntimeError(
          "INPUT_INVALID",
          `input "${declaration.name}" has dims [${dims.join(", ")}], expected ${expectedShape(declaration)} (axis ${axis} must be ${dim})`,
        );
      }
    }
  }
}
