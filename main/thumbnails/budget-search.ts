/** An encoding that fits, with the setting that produced it. */
export interface FittingEncoding {
  data: Buffer;
  setting: number;
}

export interface BudgetSearchResult {
  /** The encoding at the highest setting that fits, or undefined when even the lowest does not. */
  best: FittingEncoding | undefined;
  /** Smallest output seen, in bytes: what to tell the user when nothing fits. */
  smallestBytes: number;
  /** How many encodings were made (each costs CPU time). */
  encodings: number;
}

/**
 * Binary search for the highest integer setting in [low, high] (JPEG quality, palette size) whose
 * encoding is at most `maxBytes`. Size grows with the setting almost monotonically; the search only
 * ever returns an encoding it measured as fitting, so a non-monotonic step costs quality, never the
 * budget. The top setting is tried first: most images fit at once, in one encoding.
 */
export async function searchHighestFitting(
  low: number,
  high: number,
  maxBytes: number,
  encode: (setting: number) => Promise<Buffer>,
): Promise<BudgetSearchResult> {
  let encodings = 0;
  let smallestBytes = Number.POSITIVE_INFINITY;
  const tryEncode = async (setting: number): Promise<FittingEncoding | undefined> => {
    const data = await encode(setting);
    encodings++;
    smallestBytes = Math.min(smallestBytes, data.length);
    return data.length <= maxBytes ? { data, setting } : undefined;
  };

  const top = await tryEncode(high);
  if (top || low === high) return { best: top, smallestBytes, encodings };
  let best = await tryEncode(low);
  if (!best) return { best: undefined, smallestBytes, encodings };
  // Invariant: `best.setting` fits, every setting above `tooBig` was measured or assumed too big.
  let tooBig = high;
  while (tooBig - best.setting > 1) {
    const middle = Math.floor((best.setting + tooBig) / 2);
    const fitting = await tryEncode(middle);
    if (fitting) best = fitting;
    else tooBig = middle;
  }
  return { best, smallestBytes, encodings };
}
