import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { providerCatalog } from '../../../shared/catalog.ts';
import { useAppState } from '../../state/app-context.tsx';
import { dayEnd, dayStart, mediaTypes, type HistoryFilter, type MediaType } from './history-model.ts';

export interface FilterForm {
  search: string;
  accountId: string;
  providerId: string;
  type: '' | MediaType;
  from: string;
  to: string;
}

export const emptyForm: FilterForm = {
  search: '',
  accountId: '',
  providerId: '',
  type: '',
  from: '',
  to: '',
};

/** How many filters besides the search are set: the Filters button shows it while the row is closed. */
export function activeFilterCount(form: FilterForm): number {
  return [form.accountId, form.providerId, form.type, form.from, form.to].filter((value) => value !== '')
    .length;
}

export function toFilter(form: FilterForm, search: string): HistoryFilter {
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

export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * The filters other than the search, in one row (it wraps only on a narrow window); shown by the
 * toolbar's Filters button, so the entries start right under the toolbar when no filter is wanted.
 */
export function HistoryFilters(props: {
  id: string;
  form: FilterForm;
  onChange: (patch: Partial<FilterForm>) => void;
  onClear: () => void;
}) {
  const { t } = useTranslation('history');
  const accounts = useAppState((state) => state.accounts);
  const { form, onChange } = props;
  return (
    <div className="history-filters" id={props.id} role="group" aria-label={t('filters.label')}>
      <label className="history-field">
        <span>{t('filters.account')}</span>
        <select value={form.accountId} onChange={(event) => onChange({ accountId: event.target.value })}>
          <option value="">{t('filters.all')}</option>
          {accounts.map((account) => (
            <option key={account.id} value={account.id} translate="no">
              {account.name}
            </option>
          ))}
        </select>
      </label>
      <label className="history-field">
        <span>{t('filters.provider')}</span>
        <select value={form.providerId} onChange={(event) => onChange({ providerId: event.target.value })}>
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
          onChange={(event) => onChange({ type: event.target.value as FilterForm['type'] })}
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
          onChange={(event) => onChange({ from: event.target.value })}
        />
      </label>
      <label className="history-field">
        <span>{t('filters.to')}</span>
        <input
          type="date"
          value={form.to}
          min={form.from || undefined}
          onChange={(event) => onChange({ to: event.target.value })}
        />
      </label>
      <button
        type="button"
        className="button small subtle history-clear"
        disabled={JSON.stringify(form) === JSON.stringify(emptyForm)}
        onClick={props.onClear}
      >
        {t('filters.clear')}
      </button>
    </div>
  );
}
