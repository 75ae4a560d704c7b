import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import { providerCatalog } from '../../../shared/catalog.ts';
import type { HistoryEntryView } from '../../../shared/models.ts';
import { useAppState } from '../../state/app-context.tsx';
import { useFerryApi } from './api-access.ts';
import { HistoryDeleteDialog, HistoryDetailsDialog } from './history-dialogs.tsx';
import { HistoryItem } from './history-item.tsx';
import { dayEnd, dayStart, mediaTypes, type HistoryFilter, type MediaType } from './history-model.ts';
import { useHistoryPager, type HistoryPager } from './use-history-pager.ts';
import './history.css';

type Layout = 'grid' | 'list';
const layoutStorageKey = 'ferry.history.layout';
const searchDebounceMs = 250;
/** Must match the fixed heights in history.css: the virtualizer positions rows by arithmetic, not measurement. */
const rowHeights: Record<Layout, number> = { list: 68, grid: 252 };
const tileMinWidth = 208;
const gridGap = 12;
/** Ask for the next page while this many rows are still below the viewport. */
const prefetchRows = 6;

interface FilterForm {
  search: string;
  accountId: string;
  providerId: string;
  type: '' | MediaType;
  from: string;
  to: string;
}

const emptyForm: FilterForm = { search: '', accountId: '', providerId: '', type: '', from: '', to: '' };

function toFilter(form: FilterForm, search: string): HistoryFilter {
  const from = dayStart(form.from);
  const to = dayEnd(form.to);
  return {
    ...(search.trim() === '' ? {} : { search: search.trim() }),
    ...(form.accountId === '' ? {} : { accountId: form.accountId }),
    ...(form.providerId === '' ? {} : { providerId: form.providerId }),
    ...(form.type === '' ? {} : { type: form.type }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  };
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function storedLayout(): Layout {
  try {
    return localStorage.getItem(layoutStorageKey) === 'list' ? 'list' : 'grid';
  } catch {
    return 'grid';
  }
}

/** The default copy format: settings.linkFormat, kept current by settings.changed. */
function useLinkFormat(): string {
  const api = useFerryApi();
  const [format, setFormat] = useState('url');
  useEffect(() => {
    let live = true;
    api.invoke('settings.get', {}).then(
      (settings) => {
        if (live) setFormat(settings.linkFormat);
      },
      () => undefined,
    );
    const unsubscribe = api.subscribe((event) => {
      if (event.name === 'settings.changed') setFormat(event.payload.settings.linkFormat);
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [api]);
  return format;
}

export function HistoryView() {
  const { t, i18n } = useTranslation('history');
  const api = useFerryApi();
  const accounts = useAppState((state) => state.accounts);
  const connection = useAppState((state) => state.connection);
  const linkFormat = useLinkFormat();
  const [layout, setLayout] = useState<Layout>(storedLayout);
  const [form, setForm] = useState<FilterForm>(emptyForm);
  const search = useDebounced(form.search, searchDebounceMs);
  const filter = useMemo(() => toFilter(form, search), [form, search]);
  const pager = useHistoryPager(api, filter, connection);
  const [details, setDetails] = useState<HistoryEntryView | null>(null);
  const [deleting, setDeleting] = useState<HistoryEntryView | null>(null);

  const dateFormat = useMemo(
    () => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }),
    [i18n.language],
  );
  const dayFormat = useMemo(
    () => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }),
    [i18n.language],
  );
  const accountNames = useMemo(
    () => new Map(accounts.map((account) => [account.id, account.name])),
    [accounts],
  );
  const itemContext = useMemo(
    () => ({
      defaultFormatId: linkFormat,
      thumbnailUrl: (key: string) => api.thumbnailUrl(key),
      formatDate: (ms: number) => dateFormat.format(ms),
      formatDay: (ms: number) => dayFormat.format(ms),
      accountName: (id: string) => accountNames.get(id) ?? id,
      onDetails: setDetails,
      onDelete: setDeleting,
    }),
    [linkFormat, api, dateFormat, dayFormat, accountNames],
  );

  const chooseLayout = (next: Layout) => {
    setLayout(next);
    try {
      localStorage.setItem(layoutStorageKey, next);
    } catch {
      // Private windows may refuse storage; the choice then lasts for this page only.
    }
  };
  const update = (patch: Partial<FilterForm>) => setForm((current) => ({ ...current, ...patch }));
  const filtered = JSON.stringify(filter) !== '{}';
  const { entries, loaded, cursor, pending } = pager.state;

  return (
    <section className="history-view" aria-labelledby="history-title">
      <div className="history-toolbar">
        <h2 id="history-title" className="history-title">
          {t('title')}
        </h2>
        <div className="history-layout-switch" role="group" aria-label={t('layout.label')}>
          {(['grid', 'list'] as const).map((option) => (
            <button
              key={option}
              type="button"
              className="button small"
              aria-pressed={layout === option}
              data-testid={`history-layout-${option}`}
              onClick={() => chooseLayout(option)}
            >
              {t(`layout.${option}`)}
            </button>
          ))}
        </div>
      </div>

      <div className="history-filters" role="search">
        <label className="history-field history-search">
          <span>{t('filters.search')}</span>
          <input
            type="search"
            value={form.search}
            placeholder={t('filters.searchPlaceholder')}
            data-testid="history-search"
            onChange={(event) => update({ search: event.target.value })}
          />
        </label>
        <label className="history-field">
          <span>{t('filters.account')}</span>
          <select value={form.accountId} onChange={(event) => update({ accountId: event.target.value })}>
            <option value="">{t('filters.all')}</option>
            {accounts.map((account) => (
              <option key={account.id} value={account.id}>
                {account.name}
              </option>
            ))}
          </select>
        </label>
        <label className="history-field">
          <span>{t('filters.provider')}</span>
          <select value={form.providerId} onChange={(event) => update({ providerId: event.target.value })}>
            <option value="">{t('filters.all')}</option>
            {providerCatalog.map((provider) => (
              <option key={provider.id} value={provider.id}>
                {t(`accounts:providers.${provider.id}`, { defaultValue: provider.name })}
              </option>
            ))}
          </select>
        </label>
        <label className="history-field">
          <span>{t('filters.type')}</span>
          <select
            value={form.type}
            data-testid="history-type"
            onChange={(event) => update({ type: event.target.value as FilterForm['type'] })}
          >
            <option value="">{t('filters.all')}</option>
            {mediaTypes.map((type) => (
              <option key={type} value={type}>
                {t(`types.${type}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="history-field">
          <span>{t('filters.from')}</span>
          <input
            type="date"
            value={form.from}
            max={form.to || undefined}
            onChange={(event) => update({ from: event.target.value })}
          />
        </label>
        <label className="history-field">
          <span>{t('filters.to')}</span>
          <input
            type="date"
            value={form.to}
            min={form.from || undefined}
            onChange={(event) => update({ to: event.target.value })}
          />
        </label>
        <button
          type="button"
          className="button small subtle history-clear"
          disabled={JSON.stringify(form) === JSON.stringify(emptyForm)}
          onClick={() => setForm(emptyForm)}
        >
          {t('filters.clear')}
        </button>
      </div>

      <div className="history-status" aria-live="polite">
        <span data-testid="history-count">
          {loaded ? t(cursor === null ? 'count.all' : 'count.more', { count: entries.length }) : t('loading')}
        </span>
        {pending.length > 0 ? (
          <button type="button" className="button small" onClick={pager.showPending}>
            {t('newUploads', { count: pending.length })}
          </button>
        ) : null}
      </div>

      {pager.error !== null ? (
        <div className="banner is-error history-error" role="alert">
          <span>{pager.error}</span>
          <button type="button" className="button small" onClick={pager.retry}>
            {t('retry')}
          </button>
        </div>
      ) : null}

      <VirtualEntries
        key={layout}
        layout={layout}
        pager={pager}
        filterKey={JSON.stringify(filter)}
        empty={loaded && entries.length === 0 ? (filtered ? t('empty.filtered') : t('empty.none')) : null}
        renderEntry={(entry) => <HistoryItem key={entry.id} entry={entry} layout={layout} {...itemContext} />}
        loadingLabel={t('loading')}
      />

      <HistoryDetailsDialog
        entry={details}
        accountName={itemContext.accountName}
        formatDate={itemContext.formatDate}
        onClose={() => setDetails(null)}
      />
      <HistoryDeleteDialog entry={deleting} onClose={() => setDeleting(null)} />
    </section>
  );
}

function VirtualEntries(props: {
  layout: Layout;
  pager: HistoryPager;
  filterKey: string;
  empty: string | null;
  renderEntry: (entry: HistoryEntryView) => ReactNode;
  loadingLabel: string;
}) {
  const { layout, pager } = props;
  const { entries, cursor, loaded } = pager.state;
  const scrollerRef = useRef<HTMLDivElement>(null);
  const spacerRef = useRef<HTMLDivElement>(null);
  const windowRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (scroller === null) return;
    setWidth(scroller.clientWidth);
    const observer = new ResizeObserver(() => setWidth(scroller.clientWidth));
    observer.observe(scroller);
    return () => observer.disconnect();
  }, []);

  const columns =
    layout === 'grid'
      ? Math.max(1, Math.min(8, Math.floor((width - 16 + gridGap) / (tileMinWidth + gridGap))))
      : 1;
  const hasMore = !loaded || cursor !== null;
  const rowCount = Math.ceil(entries.length / columns) + (hasMore ? 1 : 0);
  const rowHeight = rowHeights[layout];

  // TanStack Virtual returns fresh functions each render; this component is simply not compiler-memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollerRef.current,
    estimateSize: () => rowHeight,
    overscan: 4,
    // Rows have fixed heights, so no measuring; and no flushSync, which would make scrolling re-render synchronously.
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const totalSize = virtualizer.getTotalSize();
  const firstStart = items[0]?.start ?? 0;

  // The CSP allows no style attributes in markup; setting CSSOM properties from script is allowed, and
  // only these two are needed: the scroll height, and where the window of visible rows sits.
  useLayoutEffect(() => {
    spacerRef.current?.style.setProperty('height', `${totalSize}px`);
    windowRef.current?.style.setProperty('transform', `translateY(${firstStart}px)`);
  }, [totalSize, firstStart]);

  // A new filter starts at the top.
  useLayoutEffect(() => {
    scrollerRef.current?.scrollTo({ top: 0 });
  }, [props.filterKey]);

  const lastIndex = items[items.length - 1]?.index ?? -1;
  const { loadMore } = pager;
  useEffect(() => {
    if (hasMore && lastIndex >= rowCount - prefetchRows) loadMore();
  }, [hasMore, lastIndex, rowCount, loadMore, entries.length]);

  const { setAtTop } = pager;
  const onScroll = () => setAtTop((scrollerRef.current?.scrollTop ?? 0) < 4);

  return (
    <div
      ref={scrollerRef}
      className="history-scroller"
      data-testid="history-scroller"
      data-layout={layout}
      tabIndex={0}
      onScroll={onScroll}
    >
      {props.empty !== null ? <p className="empty history-empty">{props.empty}</p> : null}
      <div ref={spacerRef} className="history-spacer">
        <div ref={windowRef} className="history-window" role="list">
          {items.map((item) => {
            const start = item.index * columns;
            const rowEntries = entries.slice(start, start + columns);
            if (rowEntries.length === 0) {
              return (
                <div key="loader" className="history-loader" role="presentation">
                  {hasMore ? props.loadingLabel : null}
                </div>
              );
            }
            return layout === 'grid' ? (
              <div
                key={rowEntries[0]!.id}
                className="history-grid-row"
                data-cols={columns}
                role="presentation"
              >
                {rowEntries.map(props.renderEntry)}
              </div>
            ) : (
              props.renderEntry(rowEntries[0]!)
            );
          })}
        </div>
      </div>
    </div>
  );
}
