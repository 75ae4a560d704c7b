import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppState } from '../state/app-context.tsx';
import { targetAccount } from '../state/app-store.ts';

/**
 * Which account the next drop, paste or pick goes to; starts at the default account from settings.
 * With more than one account, "Ask each time" is a choice too: each drop then asks first.
 */
export function AccountPicker(props: { label?: string }) {
  const { t } = useTranslation('common');
  const id = useId();
  const accounts = useAppState((state) => state.accounts);
  const target = useAppState(targetAccount);
  const selectAccount = useAppState((state) => state.selectAccount);

  return (
    <div className="account-picker">
      <label htmlFor={id}>{props.label ?? t('account.label')}</label>
      <select
        id={id}
        value={target ?? ''}
        disabled={accounts.length === 0}
        onChange={(event) => selectAccount(event.target.value === '' ? null : event.target.value)}
      >
        {accounts.length === 0 ? <option value="">{t('account.none')}</option> : null}
        {accounts.length > 1 ? <option value="">{t('account.ask')}</option> : null}
        {accounts.map((account) => (
          <option key={account.id} value={account.id} translate="no">
            {account.name}
          </option>
        ))}
      </select>
    </div>
  );
}
