import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppState } from '../state/app-context.tsx';

/** Which account the next drop, paste or pick goes to; starts at the default account from settings. */
export function AccountPicker(props: { label?: string }) {
  const { t } = useTranslation('common');
  const id = useId();
  const accounts = useAppState((state) => state.accounts);
  const selectedAccountId = useAppState((state) => state.selectedAccountId);
  const selectAccount = useAppState((state) => state.selectAccount);

  return (
    <div className="account-picker">
      <label htmlFor={id}>{props.label ?? t('account.label')}</label>
      <select
        id={id}
        value={selectedAccountId ?? ''}
        disabled={accounts.length === 0}
        onChange={(event) => selectAccount(event.target.value)}
      >
        {accounts.length === 0 ? <option value="">{t('account.none')}</option> : null}
        {accounts.map((account) => (
          <option key={account.id} value={account.id} translate="no">
            {account.name}
          </option>
        ))}
      </select>
    </div>
  );
}
