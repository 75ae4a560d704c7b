import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { copyFormatsForAll, preferredFormat, renderAll } from '../../../shared/copy-formats/copy-many.ts';
import type { HistoryEntryView } from '../../../shared/models.ts';
import { CopyMenu } from '../../components/copy-menu.tsx';
import { Icon } from '../../components/icons.tsx';
import { useAppState } from '../../state/app-context.tsx';
import { useFerryApi } from './api-access.ts';
import { HistoryDeleteDialog, HistoryDetailsDialog } from './history-dialogs.tsx';
import {
  activeFilterCount,
  emptyForm,
  HistoryFilters,
  toFilter,
  useDebounced,
  type FilterForm,
} from './history-filters.tsx';
import { HistoryGrid, type Layout } from './history-grid.tsx';
import type { HistoryItemContext } from './history-item.tsx';
import { emptySelection, selectAll, selectedInOrder, type Selection } from './history-selection.ts';
import { useHistoryPager, type HistoryPager } from './use-history-pager.ts';
import { useRevealEntry } from './use-reveal-entry.ts';
import './history.css';

const layoutStorageKey = 'ferry.history.layout';
const searchDebounceMs = 250;
const filtersId = 'history-filter-row';

function storedLayout(): Layout {
  try {
    return localStorage.getItem(layoutStorageKey) === 'list' ? 'list' : 'grid';
  } catch {
    return 'grid';
  }
}

/** Dates, account names and the default format, the same for every entry of the list. */
function useItemContext(
  onDetails: (entry: HistoryEntryView) => void,
  onDelete: (entries: readonly HistoryEntryView[]) => void,
): HistoryItemContext {
  const { i18n } = useTranslation('history');
  const api = useFerryApi();
  const accounts = useAppState((state) => state.accounts);
  const linkFormat = useAppState((state) => state.settings?.linkFormat ?? 'url');
  return useMemo(() => {
    const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
    const dayFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
    const names = new Map(accounts.map((account) => [account.id, account.name]));
    return {
      defaultFormatId: linkFormat,
      thumbnailUrl: (key: string) => api.thumbnailUrl(key),
      formatDate: (ms: number) => dateFormat.format(ms),
      formatDay: (ms: number) => dayFormat.format(ms),
      accountName: (id: string) => names.get(id) ?? id,
      onDetails,
      onDelete,
    };
  }, [i18n.language, api, accounts, linkFormat, onDetails, onDelete]);
}

/** The selection's own toolbar: how many, copy them in any format, delete them, or let go. */
function SelectionBar(props: {
  pager: HistoryPager;
  selection: Selection;
  selected: readonly HistoryEntryView[];
  defaultFormatId: string;
  onSelectionChange: (selection: Selection) => void;
  onDelete: (entries: readonly HistoryEntryView[]) => void;
}) {
  const { t } = useTranslation('history');
  const { entries } = props.pager.state;
  if (props.selected.length === 0) return null;
  return (
    <div
      className="history-selection"
      role="group"
      aria-label={t('selection.count', { count: props.selected.length })}
      data-testid="history-selection"
    >
      <span className="history-selection-count" aria-live="polite">
        {t('selection.count', { count: props.selected.length })}
      </span>
      <CopyMenu
        entries={props.selected}
        defaultFormatId={props.defaultFormatId}
        testIdPrefix="selection-copy"
      />
      <button
        type="button"
        className="button small danger"
        data-testid="selection-delete"
        onClick={() => props.onDelete(props.selected)}
      >
        <Icon name="delete" size={14} />
        {t('selection.delete')}
      </button>
      {props.selected.length < entries.length ? (
        <button
          type="button"
          className="button small subtle"
          onClick={() => props.onSelectionChange(selectAll(entries.map((entry) => entry.id)))}
        >
          {t('selection.all', { count: entries.length })}
        </button>
      ) : null}
      <button
        type="button"
        className="button small subtle"
        onClick={() => props.onSelectionChange(emptySelection)}
      >
        {t('selection.clear')}
      </button>
    </div>
  );
}

export function HistoryView() {
  const { t } = useTranslation('history');
  const api = useFerryApi();
  const connection = useAppState((state) => state.connection);
  const [layout, setLayout] = useState<Layout>(storedLayout);
  const [form, setForm] = useState<FilterForm>(emptyForm);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const search = useDebounced(form.search, searchDebounceMs);
  const filter = useMemo(() => toFilter(form, search), [form, search]);
  const filterKey = JSON.stringify(filter);
  const pager = useHistoryPager(api, filter, connection);
  const [selection, setSelection] = useState<Selection>(emptySelection);
  const [details, setDetails] = useState<HistoryEntryView | null>(null);
  const [deleting, setDeleting] = useState<readonly HistoryEntryView[] | null>(null);
  const [copyNote, setCopyNote] = useState('');
  const [revealId, setRevealId] = useState<string | null>(null);
  const item = useItemContext(setDetails, setDeleting);
  const { entries, loaded, cursor, pending } = pager.state;
  const selected = useMemo(() => selectedInOrder(entries, selection), [entries, selection]);

  // A new filter is a new list: what was selected in the old one is not on screen to be acted on.
  const [selectionFilter, setSelectionFilter] = useState(filterKey);
  if (selectionFilter !== filterKey) {
    setSelectionFilter(filterKey);
    setSelection(emptySelection);
  }

  const chooseLayout = (next: Layout) => {
    setLayout(next);
    try {
      localStorage.setItem(layoutStorageKey, next);
    } catch {
      // Private windows may refuse storage; the choice then lasts for this page only.
    }
  };
  const clearReveal = useCallback(() => setRevealId(null), []);
  const update = (patch: Partial<FilterForm>) => setForm((current) => ({ ...current, ...patch }));
  const copyShortcut = (chosen: readonly HistoryEntryView[]) => {
    const format = preferredFormat(copyFormatsForAll(chosen), item.defaultFormatId);
    if (format === undefined) return;
    navigator.clipboard.writeText(renderAll(format, chosen)).then(
      () => setCopyNote(t('selection.copied', { count: chosen.length })),
      () => setCopyNote(t('selection.copyFailed')),
    );
  };
  const filtered = filterKey !== '{}';
  const activeFilters = activeFilterCount(form);

  // An entry the main side asked to show: selected, then focused and scrolled to by the grid.
  useRevealEntry({
    pager,
    filtered,
    clearFilters: useCallback(() => setForm(emptyForm), []),
    onFound: useCallback((id: string) => {
      setSelection({ ids: new Set([id]), anchor: id });
      setRevealId(id);
    }, []),
  });

  return (
    <section className="history-view" aria-labelledby="history-title">
      {/* Stays at the top while the entries scroll under it: search, filters and the selection's actions. */}
      <div className="history-head">
        <div className="history-toolbar">
          <h2 id="history-title" className="history-title">
            {t('title')}
          </h2>
          <label className="history-search">
            <span className="visually-hidden">{t('filters.search')}</span>
            <input
              type="search"
              value={form.search}
              placeholder={t('filters.searchPlaceholder')}
              data-testid="history-search"
              onChange={(event) => update({ search: event.target.value })}
            />
          </label>
          <button
            type="button"
            className="button small"
            aria-expanded={filtersOpen}
            aria-controls={filtersId}
            data-testid="history-filters-toggle"
            onClick={() => setFiltersOpen((open) => !open)}
          >
            <Icon name="filters" size={14} />
            {activeFilters > 0 ? t('filters.toggleCount', { count: activeFilters }) : t('filters.toggle')}
          </button>
          <div className="history-layout-switch" role="group" aria-label={t('layout.label')}>
            {(['grid', 'list'] as const).map((option) => (
              <button
                key={option}
                type="button"
                className="button small"
                aria-pressed={layout === option}
                data-testid={`history-layout-${option}`}
                title={t(`layout.${option}`)}
                onClick={() => chooseLayout(option)}
              >
                <Icon name={option} size={14} />
                <span className="visually-hidden">{t(`layout.${option}`)}</span>
              </button>
            ))}
          </div>
        </div>

        {filtersOpen ? (
          <HistoryFilters id={filtersId} form={form} onChange={update} onClear={() => setForm(emptyForm)} />
        ) : null}

        <div className="history-status">
          {/* data-search: the search the count is for (the box's text applies after a pause). */}
          <span data-testid="history-count" data-search={filter.search ?? ''} aria-live="polite">
            {loaded
              ? t(cursor === null ? 'count.all' : 'count.more', { count: entries.length })
              : t('loading')}
          </span>
          <SelectionBar
            pager={pager}
            selection={selection}
            selected={selected}
            defaultFormatId={item.defaultFormatId}
            onSelectionChange={setSelection}
            onDelete={setDeleting}
          />
          <span className="visually-hidden" role="status">
            {copyNote}
          </span>
          {pending.length > 0 ? (
            <button type="button" className="button small" onClick={pager.showPending}>
              {t('newUploads', { count: pending.length })}
            </button>
          ) : null}
        </div>
      </div>
      <p id="history-keys" className="visually-hidden">
        {t('grid.keys')}
      </p>

      {pager.error !== null ? (
        <div className="banner is-error history-error" role="alert">
          <span>{pager.error}</span>
          <button type="button" className="button small" onClick={pager.retry}>
            {t('retry')}
          </button>
        </div>
      ) : null}

      {loaded && entries.length === 0 ? (
        <p className="empty history-empty">{filtered ? t('empty.filtered') : t('empty.none')}</p>
      ) : null}
      <HistoryGrid
        key={layout}
        layout={layout}
        pager={pager}
        filterKey={filterKey}
        item={item}
        selection={selection}
        onSelectionChange={setSelection}
        onCopy={copyShortcut}
        onDelete={setDeleting}
        revealId={revealId}
        onRevealed={clearReveal}
      />

      <HistoryDetailsDialog
        entry={details}
        accountName={item.accountName}
        formatDate={item.formatDate}
        onClose={() => setDetails(null)}
      />
      <HistoryDeleteDialog
        entries={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(ids) =>
          setSelection((current) => ({
            ids: new Set([...current.ids].filter((id) => !ids.includes(id))),
            anchor: current.anchor,
          }))
        }
      />
    </section>
  );
}
