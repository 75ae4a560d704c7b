import { describe, expect, it } from 'vitest';
import {
  clickSelect,
  emptySelection,
  extendSelect,
  moveFocus,
  selectAll,
  selectedInOrder,
  toggleSelect,
} from '../../../renderer/views/history/history-selection.ts';

const order = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const ids = (selection: { ids: ReadonlySet<string> }) => [...selection.ids].sort();

describe('history selection', () => {
  it('selects like a file manager: click one, Shift+click a range, Ctrl+click adds or removes one', () => {
    let selection = clickSelect(emptySelection, order, 1, { toggle: false, range: false });
    expect(ids(selection)).toEqual(['b']);
    selection = clickSelect(selection, order, 3, { toggle: false, range: true });
    expect(ids(selection)).toEqual(['b', 'c', 'd']);
    // The range is measured from the anchor, also backwards, and replaces the previous range.
    selection = clickSelect(selection, order, 0, { toggle: false, range: true });
    expect(ids(selection)).toEqual(['a', 'b']);
    selection = clickSelect(selection, order, 5, { toggle: true, range: false });
    expect(ids(selection)).toEqual(['a', 'b', 'f']);
    selection = clickSelect(selection, order, 0, { toggle: true, range: false });
    expect(ids(selection)).toEqual(['b', 'f']);
    // Ctrl+Shift adds the range from the anchor (the last entry toggled) to what is selected.
    selection = clickSelect(selection, order, 4, { toggle: true, range: false });
    selection = clickSelect(selection, order, 6, { toggle: true, range: true });
    expect(ids(selection)).toEqual(['b', 'e', 'f', 'g']);
  });

  it('toggles with Space, extends with Shift+arrows, selects all, and lists the selection in shown order', () => {
    let selection = toggleSelect(emptySelection, order, 2);
    expect(ids(selection)).toEqual(['c']);
    selection = extendSelect(selection, order, 2, 4);
    expect(ids(selection)).toEqual(['c', 'd', 'e']);
    selection = toggleSelect(selection, order, 3);
    expect(ids(selection)).toEqual(['c', 'e']);
    expect(ids(selectAll(order))).toEqual(order);
    const shown = ['g', 'e', 'c', 'a'].map((id) => ({ id }));
    expect(selectedInOrder(shown, selection).map((entry) => entry.id)).toEqual(['e', 'c']);
  });

  it('moves the focus through a grid of tiles and a one-column list', () => {
    const grid = { columns: 3, count: 7, ctrl: false, pageRows: 2 };
    expect(moveFocus(1, 'ArrowRight', grid)).toBe(2);
    expect(moveFocus(2, 'ArrowRight', grid)).toBe(3);
    expect(moveFocus(3, 'ArrowLeft', grid)).toBe(2);
    expect(moveFocus(1, 'ArrowDown', grid)).toBe(4);
    // Down from a row with nothing below this column lands on the last entry.
    expect(moveFocus(5, 'ArrowDown', grid)).toBe(6);
    expect(moveFocus(4, 'ArrowUp', grid)).toBe(1);
    expect(moveFocus(1, 'ArrowUp', grid)).toBe(1);
    expect(moveFocus(4, 'Home', grid)).toBe(3);
    expect(moveFocus(4, 'End', grid)).toBe(5);
    expect(moveFocus(4, 'Home', { ...grid, ctrl: true })).toBe(0);
    expect(moveFocus(0, 'PageDown', grid)).toBe(6);
    expect(moveFocus(0, 'Enter', grid)).toBeNull();
    const list = { columns: 1, count: 5, ctrl: false, pageRows: 3 };
    expect(moveFocus(3, 'Home', list)).toBe(0);
    expect(moveFocus(1, 'End', list)).toBe(4);
    expect(moveFocus(4, 'ArrowDown', list)).toBe(4);
  });
});
