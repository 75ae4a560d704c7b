/**
 * The history's selection as a file manager keeps it: a set of entry ids and the anchor a Shift range
 * starts from. Indexes are positions in the list as shown (newest first); ids survive new pages and
 * live entries moving the positions.
 */
export interface Selection {
  ids: ReadonlySet<string>;
  /** The entry a Shift range is measured from: the last one clicked or toggled. */
  anchor: string | null;
}

export const emptySelection: Selection = { ids: new Set(), anchor: null };

export interface Modifiers {
  /** Ctrl (Cmd on macOS): add or remove one entry, keep the rest. */
  toggle: boolean;
  /** Shift: everything from the anchor to here. */
  range: boolean;
}

function rangeIds(order: readonly string[], anchor: string | null, index: number): string[] {
  const from = anchor === null ? -1 : order.indexOf(anchor);
  const start = from === -1 ? index : Math.min(from, index);
  const end = from === -1 ? index : Math.max(from, index);
  return order.slice(start, end + 1);
}

/** A click on an entry: alone selects it; Ctrl toggles it; Shift selects the range (Ctrl+Shift adds it). */
export function clickSelect(
  selection: Selection,
  order: readonly string[],
  index: number,
  modifiers: Modifiers,
): Selection {
  const id = order[index];
  if (id === undefined) return selection;
  if (modifiers.range) {
    const range = rangeIds(order, selection.anchor, index);
    const ids = modifiers.toggle ? new Set([...selection.ids, ...range]) : new Set(range);
    return { ids, anchor: selection.anchor ?? id };
  }
  if (modifiers.toggle) return toggleSelect(selection, order, index);
  return { ids: new Set([id]), anchor: id };
}

/** Space, or a tile's checkbox: this entry in or out, the others as they were. */
export function toggleSelect(selection: Selection, order: readonly string[], index: number): Selection {
  const id = order[index];
  if (id === undefined) return selection;
  const ids = new Set(selection.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: id };
}

/** Shift+arrow: the range from the anchor (or from where the focus was) to the new focus. */
export function extendSelect(
  selection: Selection,
  order: readonly string[],
  from: number,
  to: number,
): Selection {
  const anchor = selection.anchor ?? order[from] ?? null;
  return { ids: new Set(rangeIds(order, anchor, to)), anchor };
}

export function selectAll(order: readonly string[]): Selection {
  return { ids: new Set(order), anchor: order[0] ?? null };
}

/** The entries still in the list that are selected, in the list's order. */
export function selectedInOrder<T extends { id: string }>(entries: readonly T[], selection: Selection): T[] {
  if (selection.ids.size === 0) return [];
  return entries.filter((entry) => selection.ids.has(entry.id));
}

/**
 * Where a key moves the focus in a grid of `columns` per row over `count` entries: the arrows by one
 * (Left/Right wrap to the row before or after), Home/End to the row's ends, Ctrl+Home/End (and Home/End
 * in a one-column list) to the first and last entry, PageUp/PageDown by `pageRows` rows. Null when the key does not move it.
 */
export function moveFocus(
  index: number,
  key: string,
  options: { columns: number; count: number; ctrl: boolean; pageRows: number },
): number | null {
  const { columns, count, ctrl, pageRows } = options;
  if (count === 0) return null;
  const rowStart = index - (index % columns);
  let next: number;
  switch (key) {
    case 'ArrowRight':
      next = index + 1;
      break;
    case 'ArrowLeft':
      next = index - 1;
      break;
    case 'ArrowDown':
      next = index + columns;
      break;
    case 'ArrowUp':
      next = index - columns;
      break;
    // In a one-column list a row's ends are the entry itself: Home and End go to the list's ends.
    case 'Home':
      next = ctrl || columns === 1 ? 0 : rowStart;
      break;
    case 'End':
      next = ctrl || columns === 1 ? count - 1 : Math.min(rowStart + columns - 1, count - 1);
      break;
    case 'PageDown':
      next = index + columns * pageRows;
      break;
    case 'PageUp':
      next = index - columns * pageRows;
      break;
    default:
      return null;
  }
  // Down from the last full row lands on the last entry rather than nowhere.
  if (key === 'ArrowDown' || key === 'PageDown') next = Math.min(next, count - 1);
  if (key === 'ArrowUp' || key === 'PageUp') next = Math.max(next, index % columns);
  return Math.max(0, Math.min(count - 1, next));
}
