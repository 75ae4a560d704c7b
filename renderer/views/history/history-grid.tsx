import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { HistoryEntryView } from '../../../shared/models.ts';
import { usePageScroll } from '../../components/page-scroll.ts';
import { HistoryItem, type HistoryItemContext } from './history-item.tsx';
import {
  clickSelect,
  extendSelect,
  moveFocus,
  selectAll,
  toggleSelect,
  type Selection,
} from './history-selection.ts';
import type { HistoryPager } from './use-history-pager.ts';

export type Layout = 'grid' | 'list';

/** Must match the fixed heights in history.css: the virtualizer positions rows by arithmetic, not measurement. */
const rowHeights: Record<Layout, number> = { list: 68, grid: 252 };
const tileMinWidth = 208;
const gridGap = 12;
const maxColumns = 8;
/** Ask for the next page while this many rows are still below the viewport. */
const prefetchRows = 6;

const interactive = 'button, a, input, select, textarea, [role="menu"]';

function cellOf(target: EventTarget): HTMLElement | null {
  return target instanceof Element ? target.closest<HTMLElement>('[role="gridcell"]') : null;
}

/** The controls of a card that Tab cycles through once Enter opened it (not the items of its menu). */
function controlsOf(cell: HTMLElement): HTMLElement[] {
  return [...cell.querySelectorAll<HTMLElement>('button, a[href]')].filter(
    (control) => control.closest('[role="menu"]') === null,
  );
}

/**
 * The grid's keyboard and mouse, as WAI-ARIA's grid pattern has them (see HistoryGrid). Events are
 * taken at the grid and found their cell by `closest`, so no entry carries handlers of its own.
 */
function gridHandlers(options: {
  entries: readonly HistoryEntryView[];
  order: readonly string[];
  columns: number;
  selection: Selection;
  pageRows: number;
  onSelectionChange: (selection: Selection) => void;
  onCopy: (entries: readonly HistoryEntryView[]) => void;
  onDelete: (entries: readonly HistoryEntryView[]) => void;
  focusEntry: (index: number) => void;
  focusCell: (id: string) => void;
  setActing: (update: string | null | ((current: string | null) => string | null)) => void;
}) {
  const { entries, order, columns, selection, pageRows } = options;
  const selectedEntries = () => entries.filter((entry) => selection.ids.has(entry.id));

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const cell = cellOf(event.target);
    if (cell === null) return;
    const target = event.target as HTMLElement;
    const index = Number(cell.dataset['index']);
    const entry = entries[index];
    if (entry === undefined) return;
    if (target !== cell) {
      // In an entry's buttons (after Enter): Tab cycles through them, Escape goes back to the entry.
      if (target.closest('[role="menu"]') !== null) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        options.setActing(null);
        cell.focus();
      } else if (event.key === 'Tab') {
        const controls = controlsOf(cell);
        const at = controls.indexOf(target);
        const next = event.shiftKey
          ? at <= 0
            ? controls.at(-1)
            : undefined
          : at === controls.length - 1
            ? controls[0]
            : undefined;
        if (next !== undefined) {
          event.preventDefault();
          next.focus();
        }
      }
      return;
    }
    const ctrl = event.ctrlKey || event.metaKey;
    const key = event.key;
    if (ctrl && key.toLowerCase() === 'a') {
      event.preventDefault();
      options.onSelectionChange(selectAll(order));
      return;
    }
    if (ctrl && key.toLowerCase() === 'c') {
      event.preventDefault();
      options.onCopy(selection.ids.has(entry.id) ? selectedEntries() : [entry]);
      return;
    }
    if (key === ' ') {
      event.preventDefault();
      options.onSelectionChange(toggleSelect(selection, order, index));
      return;
    }
    if (key === 'Enter' || key === 'F2') {
      event.preventDefault();
      options.setActing(entry.id);
      controlsOf(cell)[0]?.focus();
      return;
    }
    if (key === 'Escape' && selection.ids.size > 0) {
      event.preventDefault();
      options.onSelectionChange({ ids: new Set(), anchor: null });
      return;
    }
    if (key === 'Delete') {
      event.preventDefault();
      options.onDelete(selection.ids.has(entry.id) ? selectedEntries() : [entry]);
      return;
    }
    const next = moveFocus(index, key, { columns, count: entries.length, ctrl, pageRows });
    if (next === null) return;
    event.preventDefault();
    if (event.shiftKey) options.onSelectionChange(extendSelect(selection, order, index, next));
    options.focusEntry(next);
  };

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const cell = cellOf(event.target);
    if (cell === null) return;
    const index = Number(cell.dataset['index']);
    const id = order[index];
    if (id === undefined) return;
    options.focusCell(id);
    const target = event.target as HTMLElement;
    if (target.closest('[data-select-toggle]') !== null) {
      options.onSelectionChange(toggleSelect(selection, order, index));
      return;
    }
    // A click on a button or link does what it says and leaves the selection alone.
    if (target.closest(interactive) !== null) return;
    options.onSelectionChange(
      clickSelect(selection, order, index, { toggle: event.ctrlKey || event.metaKey, range: event.shiftKey }),
    );
    cell.focus({ preventScroll: true });
  };
  return { onKeyDown, onClick };
}

/**
 * The history as a WAI-ARIA grid that scrolls with the page: one Tab stop (roving tab index) however
 * many entries there are. Arrow keys, Home/End and PageUp/PageDown move between entries; Space selects
 * one, Shift+arrows and Shift+click a range, Ctrl/Cmd+click one more, Ctrl/Cmd+A all loaded ones;
 * Ctrl/Cmd+C copies the selection; Enter opens an entry's buttons to Tab (Escape closes them again);
 * Delete asks to delete. Only the rows in view are in the DOM.
 */
export function HistoryGrid(props: {
  layout: Layout;
  pager: HistoryPager;
  filterKey: string;
  item: HistoryItemContext;
  selection: Selection;
  onSelectionChange: (selection: Selection) => void;
  onCopy: (entries: readonly HistoryEntryView[]) => void;
  onDelete: (entries: readonly HistoryEntryView[]) => void;
  /** An entry to scroll to and focus once it is in the list (see useRevealEntry); `onRevealed` then. */
  revealId: string | null;
  onRevealed: () => void;
}) {
  const { t } = useTranslation('history');
  const { layout, pager, selection, onSelectionChange } = props;
  const { entries, cursor, loaded } = pager.state;
  const gridRef = useRef<HTMLDivElement>(null);
  const windowRef = useRef<HTMLDivElement>(null);
  const scroll = usePageScroll(gridRef);
  const [width, setWidth] = useState(0);
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [actingId, setActingId] = useState<string | null>(null);
  const pendingFocus = useRef<string | null>(null);

  useLayoutEffect(() => {
    const grid = gridRef.current;
    if (grid === null) return;
    setWidth(grid.clientWidth);
    const observer = new ResizeObserver(() => setWidth(grid.clientWidth));
    observer.observe(grid);
    return () => observer.disconnect();
  }, []);

  const columns =
    layout === 'grid'
      ? Math.max(1, Math.min(maxColumns, Math.floor((width - 16 + gridGap) / (tileMinWidth + gridGap))))
      : 1;
  const hasMore = !loaded || cursor !== null;
  const rowCount = Math.ceil(entries.length / columns);
  const rowHeight = rowHeights[layout];
  const order = useMemo(() => entries.map((entry) => entry.id), [entries]);

  // TanStack Virtual returns fresh functions each render; this component is simply not compiler-memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroll.element,
    estimateSize: () => rowHeight,
    overscan: 4,
    scrollMargin: scroll.margin,
    // Rows have fixed heights, so no measuring; and no flushSync, which would make scrolling re-render synchronously.
    useFlushSync: false,
  });
  const rows = virtualizer.getVirtualItems();
  const totalSize = virtualizer.getTotalSize();
  const firstStart = (rows[0]?.start ?? scroll.margin) - scroll.margin;

  // The CSP allows no style attributes in markup; setting CSSOM properties from script is allowed, and
  // only these two are needed: the grid's height, and where the window of visible rows sits.
  useLayoutEffect(() => {
    gridRef.current?.style.setProperty('height', `${totalSize}px`);
    windowRef.current?.style.setProperty('transform', `translateY(${firstStart}px)`);
  }, [totalSize, firstStart]);

  // A new filter starts at the top of the list.
  useLayoutEffect(() => {
    const element = scroll.element;
    if (element !== null && element.scrollTop > scroll.margin) element.scrollTo({ top: 0 });
    // Only the filter should move the page, not a re-measured margin.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.filterKey]);

  const lastIndex = rows[rows.length - 1]?.index ?? -1;
  const { loadMore, setAtTop } = pager;
  useEffect(() => {
    if (hasMore && lastIndex >= rowCount - prefetchRows) loadMore();
  }, [hasMore, lastIndex, rowCount, loadMore, entries.length]);

  // New uploads are shown at once only while the top of the list is in view, so rows do not jump.
  useEffect(() => {
    const element = scroll.element;
    if (element === null) return;
    const onScroll = () => setAtTop(element.scrollTop <= scroll.margin + 4);
    onScroll();
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => element.removeEventListener('scroll', onScroll);
  }, [scroll, setAtTop]);

  // The focus follows the keyboard once the row it went to is rendered (it may have to scroll in first).
  useLayoutEffect(() => {
    const id = pendingFocus.current;
    if (id === null) return;
    const cell = gridRef.current?.querySelector<HTMLElement>(`[data-entry-id="${CSS.escape(id)}"]`);
    if (cell) {
      cell.focus({ preventScroll: true });
      pendingFocus.current = null;
    }
  });

  const rendered = rows.flatMap((row) => order.slice(row.index * columns, row.index * columns + columns));
  // One entry is reachable by Tab: the focused one while it is rendered, else the first one in view.
  const tabbableId = focusedId !== null && rendered.includes(focusedId) ? focusedId : (rendered[0] ?? null);

  const focusEntry = (index: number, align: 'auto' | 'center' = 'auto') => {
    const id = order[index];
    if (id === undefined) return;
    setFocusedId(id);
    pendingFocus.current = id;
    virtualizer.scrollToIndex(Math.floor(index / columns), { align });
  };
  // Once the columns are known (the row an entry is on depends on them).
  const { revealId, onRevealed } = props;
  useLayoutEffect(() => {
    if (revealId === null || width === 0) return;
    const index = order.indexOf(revealId);
    if (index === -1) return;
    // In the middle of the window, clear of the sticky head above and messages below.
    focusEntry(index, 'center');
    onRevealed();
  });
  const { onKeyDown, onClick } = gridHandlers({
    entries,
    order,
    columns,
    selection,
    pageRows: Math.max(1, Math.floor((scroll.element?.clientHeight ?? rowHeight) / rowHeight) - 1),
    onSelectionChange,
    onCopy: props.onCopy,
    onDelete: props.onDelete,
    focusEntry,
    focusCell: setFocusedId,
    setActing: setActingId,
  });

  return (
    <>
      {/* Mounted while empty too: the page scroll is measured from it once, at mount. */}
      {
        <div
          ref={gridRef}
          hidden={loaded && entries.length === 0}
          className="history-grid"
          role="grid"
          aria-label={t('grid.label')}
          aria-multiselectable="true"
          aria-rowcount={hasMore ? -1 : rowCount}
          aria-colcount={columns}
          aria-describedby="history-keys"
          data-testid="history-scroller"
          data-layout={layout}
          data-cols={columns}
          onKeyDown={onKeyDown}
          onClick={onClick}
          // Shift+click selects a range of entries, not the text between them.
          onMouseDown={(event) => {
            if (event.shiftKey) event.preventDefault();
          }}
          onFocus={(event) => {
            const cell = cellOf(event.target);
            if (cell?.dataset['entryId'] !== undefined) setFocusedId(cell.dataset['entryId']);
          }}
          onBlur={(event) => {
            const cell = cellOf(event.target);
            if (cell !== null && !(event.relatedTarget instanceof Node && cell.contains(event.relatedTarget)))
              setActingId((current) => (current === cell.dataset['entryId'] ? null : current));
          }}
        >
          <div ref={windowRef} className="history-window">
            {rows.map((row) => {
              const start = row.index * columns;
              const rowEntries = entries.slice(start, start + columns);
              return (
                <div
                  key={rowEntries[0]?.id ?? row.index}
                  className={layout === 'grid' ? 'history-grid-row' : 'history-list-line'}
                  data-cols={columns}
                  role="row"
                  aria-rowindex={row.index + 1}
                >
                  {rowEntries.map((entry, column) => (
                    <HistoryItem
                      key={entry.id}
                      entry={entry}
                      layout={layout}
                      index={start + column}
                      column={column + 1}
                      selected={selection.ids.has(entry.id)}
                      tabbable={entry.id === tabbableId}
                      acting={entry.id === actingId}
                      {...props.item}
                    />
                  ))}
                </div>
              );
            })}
          </div>
        </div>
      }
      {hasMore && entries.length > 0 ? <p className="history-loader">{t('loading')}</p> : null}
    </>
  );
}
