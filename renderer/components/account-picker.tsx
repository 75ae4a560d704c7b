import { useId } from 'react';
import { useAppState } from '../state/app-context.tsx';

export function AccountPicker() {
  const id = useId();
  const accounts = useAppState((state) => state.accounts);
  const selectedAccountId = useAppState((state) => state.selectedAccountId);
  const selectAccount = useAppState((state) => state.selectAccount);

  return (
    <div className="account-picker">
      <label htmlFor={id}>Account</label>
      <select
        id={id}
        value={selectedAccountId ?? ''}
        disabled={accounts.length === 0}
        onChange={(event) => selectAccount(event.target.value)}
      >
        {accounts.length === 0 ? <option value="">No accounts</option> : null}
        {accounts.map((account) => (
          <option key={account.id} value={account.id}>
            {account.name}
          </option>
        ))}
      </select>
    </div>
  );
}
