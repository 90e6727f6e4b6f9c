import type { Feeds, FeedTensor } from "./evaluator.js";
import type { InputDeclaration } from "./feeds.js";
import { feedElementCount } from "./feeds.js";

/** Feeds cut in two along the batch axis: what a search may look at, and what checks its result. */
export interface FeedSplit {
  readonly search: Feeds;
  readonly heldOut: Feeds;
  /** Rows in each part. */
  readonly searchRows: number;
  readonly heldOutRows: number;
}

/**
 * Splits feeds by rows of their first axis (the last `heldOutFraction` of
 * the rows are held out), or says why it cannot: every input must be fed, be
 * batched along a symbolic first dim, and carry the same number of rows (at
 * least 2). Rows are kept in order, so a split repeats run to run.
 */
export function splitFeeds(
  feeds: Feeds,
  inputs: readonly InputDeclaration[],
  heldOutFraction: number,
): FeedSplit | string {
  let rows: number | undefined;
  for (const input of inputs) {
    const feed = feeds[input.name];
    if (!feed) {
      if (input.optional) continue;
      return `input "${input.name}" is not fed`;
    }
    const first = input.shape?.[0];
    if (input.shape && (input.shape.length === 0 || typeof first === "number"))
      return `input "${input.name}" has no symbolic batch axis (declared ${input.shape.length === 0 ? "a scalar" : `first dim ${first}`})`;
    const count = feed.dims[0];
    if (count === undefined) return `input "${input.name}" is fed a scalar`;
    if (rows !== undefined && count !== rows)
      return `inputs carry different numbers of rows (${rows} and ${count} in "${input.name}")`;
    rows = count;
  }
  if (rows === undefined || rows < 2)
    return `the inputs carry ${rows ?? 0} row(s); 2 or more split`;
  const heldOutRows = Math.min(rows - 1, Math.max(1, Math.round(rows * heldOutFraction)));
  const searchRows = rows - heldOutRows;
  const part = (from: number, to: number) =>
    Object.fromEntries(
      Object.entries(feeds).map(([name, feed]) => [
        name,
        inputs.some((input) => input.name === name) ? rowsOf(feed, from, to) : feed,
      ]),
    );
  return { search: part(0, searchRows), heldOut: part(searchRows, rows), searchRows, heldOutRows };
}

/** Rows [from, to) of a tensor's first axis (a copy: some engines mishandle views with an offset). */
function rowsOf(feed: FeedTensor, from: number, to: number): FeedTensor {
  const rowSize = feedElementCount(feed.dims.slice(1));
  return {
    type: feed.type,
    dims: [to - from, ...feed.dims.slice(1)],
    data: feed.data.slice(from * rowSize, to * rowSize) as FeedTensor["data"],
  };
}
