import { useEffect, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { providerCatalog } from '../../../shared/catalog.ts';
import type { CommandResponse } from '../../../shared/contract.ts';
import type { ErrorView } from '../../../shared/errors.ts';
import type { AccountView, VaultStatus } from '../../../shared/models.ts';
import { ErrorText } from '../../components/error-text.tsx';
import { toErrorView } from '../../models/error-message.ts';
import { useFerryApi } from '../history/api-access.ts';
import { useCatalogText } from './account-fields.tsx';

export type TestResult = { state: 'running' } | { state: 'done'; result: CommandResponse<'accounts.test'> };

/** How the secrets are protected here; a loud warning when they are not (key file, Linux basic_text). */
export function VaultPanel(props: { vault: VaultStatus | null }) {
  const { t } = useTranslation('accounts');
  const { vault } = props;
  if (vault === null) return null;
  return (
    <div
      className={vault.secure ? 'vault-status' : 'vault-status is-insecure'}
      data-testid="vault-status"
      data-secure={vault.secure}
      role={vault.secure ? undefined : 'alert'}
    >
      <strong className="vault-title">{vault.secure ? t('vault.secure') : t('vault.insecureTitle')}</strong>
      <span className="vault-kind">{t(`vault.kinds.${vault.kind}`)}</span>
      {vault.secure ? null : <p className="vault-text">{t('vault.insecureText')}</p>}
      {vault.note ? (
        // The main side's own note is English and technical (file names, modes): folded away, for whoever wants it.
        <details className="vault-note">
          <summary>{t('vault.note')}</summary>
          <span lang="" translate="no" data-untranslated="">
            {vault.note}
          </span>
        </details>
      ) : null}
    </div>
  );
}

export function AccountCard(props: {
  account: AccountView;
  /** The outcome of the test run when the account was last saved, shown until the next test. */
  lastTest?: TestResult | undefined;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation('accounts');
  const text = useCatalogText();
  const api = useFerryApi();
  const { account } = props;
  const provider = providerCatalog.find((entry) => entry.id === account.providerId);
  const [test, setTest] = useState<TestResult | null>(props.lastTest ?? null);
  const [testError, setTestError] = useState<ErrorView | null>(null);
  const secretFields = (provider?.fields ?? []).filter((field) => field.secret);

  const runTest = async () => {
    setTest({ state: 'running' });
    setTestError(null);
    try {
      setTest({ state: 'done', result: await api.invoke('accounts.test', { id: account.id }) });
    } catch (failure) {
      setTest(null);
      setTestError(toErrorView(failure));
    }
  };

  return (
    <li className="accounts-item account-card" data-testid="account-card" data-account-id={account.id}>
      <div className="account-card-head">
        <div className="account-card-names">
          <span className="account-name" translate="no">
            {account.name}
          </span>
          <span className="account-provider muted">
            {text.provider(account.providerId, provider?.name ?? account.providerId)}
          </span>
        </div>
        {account.isSandbox ? <span className="account-badge">{t('badges.sandbox')}</span> : null}
        {account.needsReentry ? (
          <span className="account-badge is-warning" data-testid="account-needs-reentry">
            {t('badges.needsReentry')}
          </span>
        ) : null}
      </div>
      {account.needsReentry ? <p className="account-warning">{t('needsReentryText')}</p> : null}
      {secretFields.length > 0 && !account.isSandbox ? (
        <ul className="account-secrets" aria-label={t('secret.listLabel')}>
          {secretFields.map((field) => (
            <li key={field.key}>
              <span>{text.label(account.providerId, field)}</span>{' '}
              <span
                className="account-secret-status"
                data-set={account.secretsSet[field.key] === true}
                data-testid={`card-secret-${field.key}`}
              >
                {account.secretsSet[field.key] ? t('secret.set') : t('secret.notSet')}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="account-card-actions">
        <button
          type="button"
          className="button small"
          data-testid="account-test"
          disabled={test?.state === 'running'}
          onClick={() => void runTest()}
        >
          {test?.state === 'running' ? t('test.running') : t('test.run')}
        </button>
        {account.isSandbox ? null : (
          <>
            <button type="button" className="button small" data-testid="account-edit" onClick={props.onEdit}>
              {t('edit')}
            </button>
            <button
              type="button"
              className="button small danger"
              data-testid="account-remove"
              onClick={props.onRemove}
            >
              {t('remove.button')}
            </button>
          </>
        )}
      </div>
      <div aria-live="polite" data-testid="account-test-result">
        {test?.state === 'done' ? (
          test.result.ok ? (
            <p className="account-test-ok">{t('test.ok')}</p>
          ) : test.result.unsupported ? (
            <p className="muted">{t('test.unsupported')}</p>
          ) : (
            <div className="account-test-failed">
              <span>{t('test.failed')}</span>
              <ErrorText error={test.result.error} />
            </div>
          )
        ) : null}
        {testError !== null ? <ErrorText error={testError} /> : null}
      </div>
    </li>
  );
}

export function RemoveDialog(props: {
  account: AccountView | null;
  onClose: () => void;
  onRemoved: () => void;
}) {
  const { t } = useTranslation('accounts');
  const api = useFerryApi();
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView | null>(null);
  const { account } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (account !== null && !dialog.open) dialog.showModal();
    if (account === null && dialog.open) dialog.close();
  }, [account]);

  const close = () => {
    setError(null);
    props.onClose();
  };
  const confirm = async () => {
    if (account === null) return;
    setBusy(true);
    setError(null);
    try {
      await api.invoke('accounts.remove', { id: account.id });
      props.onRemoved();
    } catch (failure) {
      // Refusals (unfinished uploads, the built-in Sandbox) come back with the reason; show it as given.
      setError(toErrorView(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      className="accounts-dialog"
      aria-labelledby="account-remove-title"
      onClose={close}
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      {account === null ? null : (
        <>
          <h3 id="account-remove-title" className="accounts-dialog-title">
            <Trans
              t={t}
              i18nKey="remove.title"
              components={{ name: <strong translate="no">{account.name}</strong> }}
            />
          </h3>
          <p>{t('remove.question')}</p>
          {error !== null ? (
            <div role="alert" data-testid="account-remove-error">
              <ErrorText error={error} />
            </div>
          ) : null}
          <div className="account-form-actions">
            <button type="button" className="button" onClick={close} disabled={busy}>
              {t('form.cancel')}
            </button>
            <button
              type="button"
              className="button danger-solid"
              data-testid="account-remove-confirm"
              disabled={busy}
              onClick={() => void confirm()}
            >
              {t('remove.confirm')}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
