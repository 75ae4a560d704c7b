import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { ErrorView } from '../../../shared/errors.ts';
import type { AccountView, VaultStatus } from '../../../shared/models.ts';
import { ErrorText } from '../../components/error-text.tsx';
import { toErrorView } from '../../models/error-message.ts';
import { useAppActions, useAppState } from '../../state/app-context.tsx';
import { useFerryApi } from '../history/api-access.ts';
import { AccountCard, RemoveDialog, VaultPanel, type TestResult } from './account-card.tsx';
import { AccountForm, type SaveOutcome } from './account-form.tsx';
import './accounts.css';

type Editing =
  { mode: 'add' } | { mode: 'edit'; accountId: string; testFailure?: ErrorView; fromQueue?: boolean } | null;

interface Saved {
  name: string;
  accountId: string;
  test: SaveOutcome['test'];
  /** Opened from a failed upload ("Edit account"): offer to retry what failed on it. */
  fromQueue: boolean;
}

/** "Saved", what the connection test said, and after a fix that came from the queue, "Retry". */
function SavedNotice(props: { saved: Saved }) {
  const { t } = useTranslation('accounts');
  const { saved } = props;
  const tasks = useAppState((state) => state.tasks);
  const setView = useAppState((state) => state.setView);
  const { taskCommand } = useAppActions();
  const failed = Object.values(tasks).filter(
    (task) => task.accountId === saved.accountId && task.state === 'failed',
  );
  return (
    <div className="accounts-saved" role="status" data-testid="account-saved">
      <p>
        <Trans t={t} i18nKey="saved" components={{ name: <strong translate="no">{saved.name}</strong> }} />{' '}
        {saved.test === 'ok' ? t('test.ok') : saved.test === 'unsupported' ? t('test.unsupported') : null}
      </p>
      {saved.fromQueue && saved.test !== 'failed' && failed.length > 0 ? (
        <button
          type="button"
          className="button small primary"
          data-testid="account-retry-failed"
          onClick={() => {
            void taskCommand(
              'uploads.retry',
              failed.map((task) => task.id),
            );
            setView('queue');
          }}
        >
          {t('retryFailed', { count: failed.length })}
        </button>
      ) : null}
    </div>
  );
}

/** Where the focus goes when a form closes: the button that opened it. */
function useReturnFocus(addButton: RefObject<HTMLButtonElement | null>) {
  const target = useRef<'add' | string | null>(null);
  useLayoutEffect(() => {
    const to = target.current;
    if (to === null) return;
    target.current = null;
    const element =
      to === 'add'
        ? addButton.current
        : document.querySelector<HTMLElement>(
            `[data-account-id="${CSS.escape(to)}"] [data-testid="account-edit"]`,
          );
    element?.focus();
  });
  return (where: 'add' | string) => {
    target.current = where;
  };
}

export function AccountsView() {
  const { t } = useTranslation('accounts');
  const api = useFerryApi();
  const accounts = useAppState((state) => state.accounts);
  const setAccounts = useAppState((state) => state.setAccounts);
  const editRequest = useAppState((state) => state.accountEditRequest);
  const clearEditRequest = useAppState((state) => state.requestAccountEdit);
  const [vault, setVault] = useState<VaultStatus | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [loadError, setLoadError] = useState<ErrorView | null>(null);
  const [saved, setSaved] = useState<Saved | null>(null);
  const [removing, setRemoving] = useState<AccountView | null>(null);
  const [lastTests, setLastTests] = useState<Readonly<Record<string, TestResult>>>({});
  const addButton = useRef<HTMLButtonElement>(null);
  const returnFocusTo = useReturnFocus(addButton);

  const [attempt, setAttempt] = useState(0);
  const [handledRequest, setHandledRequest] = useState<string | null>(null);

  // "Edit account" on a failed upload in the queue opens that account's form here (once per request).
  if (editRequest !== handledRequest) {
    setHandledRequest(editRequest);
    if (editRequest !== null) {
      setSaved(null);
      setEditing({ mode: 'edit', accountId: editRequest, fromQueue: true });
    }
  }
  useEffect(() => {
    if (editRequest !== null) clearEditRequest(null);
  }, [editRequest, clearEditRequest]);

  // There is no accounts event: the view reloads the list itself after each change it makes.
  const reload = useCallback(async () => {
    try {
      setAccounts(await api.invoke('accounts.list', {}));
      setLoadError(null);
    } catch (failure) {
      setLoadError(toErrorView(failure));
    }
  }, [api, setAccounts]);

  useEffect(() => {
    // The list may have changed elsewhere (the CLI, another window) since the app loaded it.
    api
      .invoke('accounts.list', {})
      .then(setAccounts, (failure: unknown) => setLoadError(toErrorView(failure)));
    let live = true;
    api.invoke('vault.status', {}).then(
      (status) => {
        if (live) setVault(status);
      },
      (failure: unknown) => {
        if (live) setLoadError(toErrorView(failure));
      },
    );
    return () => {
      live = false;
    };
  }, [api, setAccounts]);

  const close = () => {
    returnFocusTo(editing?.mode === 'edit' ? editing.accountId : 'add');
    setEditing(null);
  };
  const onSaved = (account: AccountView, outcome: SaveOutcome) => {
    const fromQueue = editing?.mode === 'edit' && editing.fromQueue === true;
    void reload();
    if (outcome.test === 'failed') {
      // Saved, but it does not work: stay in the form (now editing the saved account) to fix it.
      setSaved(null);
      setLastTests((current) => ({
        ...current,
        [account.id]: {
          state: 'done',
          result: { ok: false, error: outcome.error, unsupported: false },
        },
      }));
      setEditing({ mode: 'edit', accountId: account.id, testFailure: outcome.error, fromQueue });
      // A new form each time, so the focus goes to what this test said.
      setAttempt((count) => count + 1);
      return;
    }
    setLastTests(({ [account.id]: _dropped, ...rest }) => rest);
    setSaved({ name: account.name, accountId: account.id, test: outcome.test, fromQueue });
    returnFocusTo(editing?.mode === 'edit' ? account.id : 'add');
    setEditing(null);
  };

  const editedAccount =
    editing?.mode === 'edit' ? (accounts.find((account) => account.id === editing.accountId) ?? null) : null;

  return (
    <section className="accounts-view" aria-labelledby="accounts-title">
      <div className="accounts-toolbar">
        <h2 id="accounts-title" className="accounts-title">
          {t('title')}
        </h2>
        {/* Not disabled while the form is open: a disabled button would drop the keyboard's focus. */}
        <button
          ref={addButton}
          type="button"
          className="button primary"
          data-testid="account-add"
          aria-expanded={editing?.mode === 'add'}
          onClick={() => {
            setSaved(null);
            setEditing({ mode: 'add' });
          }}
        >
          {t('add')}
        </button>
      </div>

      <VaultPanel vault={vault} />
      {loadError !== null ? (
        <div role="alert">
          <ErrorText error={loadError} />
        </div>
      ) : null}
      {saved !== null ? <SavedNotice saved={saved} /> : null}

      {editing?.mode === 'add' ? (
        <AccountForm key="add" account={null} onCancel={close} onSaved={onSaved} />
      ) : null}

      <ul className="accounts-list" aria-label={t('listLabel')}>
        {accounts.map((account) =>
          editedAccount?.id === account.id && editing?.mode === 'edit' ? (
            <li key={account.id} className="accounts-item">
              <AccountForm
                key={`${account.id}:${attempt}`}
                account={account}
                testFailure={editing.testFailure ?? null}
                onCancel={close}
                onSaved={onSaved}
              />
            </li>
          ) : (
            <AccountCard
              key={`${account.id}:${lastTests[account.id] === undefined ? '' : 'tested'}`}
              account={account}
              lastTest={lastTests[account.id]}
              onEdit={() => {
                setSaved(null);
                setEditing({ mode: 'edit', accountId: account.id });
              }}
              onRemove={() => setRemoving(account)}
            />
          ),
        )}
      </ul>
      {accounts.length === 0 && loadError === null ? <p className="empty">{t('empty')}</p> : null}

      <RemoveDialog
        account={removing}
        onClose={() => setRemoving(null)}
        onRemoved={() => {
          setRemoving(null);
          void reload();
        }}
      />
    </section>
  );
}
