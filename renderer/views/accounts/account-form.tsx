import { useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { providerCatalog, type CredentialField } from '../../../shared/catalog.ts';
import type { FerryApi } from '../../../shared/contract.ts';
import type { ErrorView } from '../../../shared/errors.ts';
import type { AccountView } from '../../../shared/models.ts';
import { ErrorText } from '../../components/error-text.tsx';
import { toErrorView } from '../../models/error-message.ts';
import { useFerryApi } from '../history/api-access.ts';
import { CredentialFieldRow, RequiredMark, useCatalogText } from './account-fields.tsx';
import {
  addRequest,
  checkForm,
  initialFieldValues,
  updateRequest,
  type FormProblem,
  type SecretIntent,
} from './account-form-model.ts';
import { ProcessingFields } from './processing-fields.tsx';
import {
  initialProcessingValues,
  processingFieldPatch,
  processingProblems,
  type ProcessingFormKey,
} from './processing-form-model.ts';

export { useCatalogText } from './account-fields.tsx';

/** How the connection test after a save went: `failed` keeps the form open to fix what it says. */
export type SaveOutcome = { test: 'ok' | 'unsupported' } | { test: 'failed'; error: ErrorView };

type Phase = 'idle' | 'saving' | 'testing';

/** The connection test of the account as saved: it needs no secret from the page. */
async function testSaved(api: FerryApi, saved: AccountView): Promise<SaveOutcome> {
  try {
    const result = await api.invoke('accounts.test', { id: saved.id });
    if (result.ok) return { test: 'ok' };
    return result.unsupported ? { test: 'unsupported' } : { test: 'failed', error: result.error };
  } catch (failure) {
    return { test: 'failed', error: toErrorView(failure) };
  }
}

/** "Saved, but the connection test failed": the provider's answer, and a way to keep it as it is. */
function SaveTestFailure({
  ref,
  error,
  onKeep,
}: {
  ref: RefObject<HTMLDivElement | null>;
  error: ErrorView;
  onKeep: () => void;
}) {
  const { t } = useTranslation('accounts');
  return (
    <div
      ref={ref}
      className="account-test-failed is-after-save"
      role="alert"
      tabIndex={-1}
      data-testid="account-save-test-failed"
    >
      <p className="account-test-failed-title">{t('form.testFailed')}</p>
      <ErrorText error={error} />
      <p className="account-field-help">{t('form.testFailedHint')}</p>
      <button type="button" className="button small" data-testid="account-keep" onClick={onKeep}>
        {t('form.keepAnyway')}
      </button>
    </div>
  );
}

/** Which secret inputs hold something: booleans only, so validation never needs the value itself. */
function useEnteredSecrets() {
  const [entered, setEntered] = useState<ReadonlySet<string>>(new Set());
  const mark = (key: string, filled: boolean) =>
    setEntered((current) => {
      if (current.has(key) === filled) return current;
      const next = new Set(current);
      if (filled) next.add(key);
      else next.delete(key);
      return next;
    });
  return { entered, mark, clear: () => setEntered(new Set()) };
}

/**
 * Adds an account (`account` null) or edits one, then tests the connection with what was saved: a
 * failed test keeps the form open with the provider's full answer, to fix the settings and save again
 * or to keep them as they are. Secret inputs are uncontrolled password fields: what is typed lives only
 * in the input until submit, when it is read once into the request and the inputs are emptied. React
 * state, the app store and the DOM afterwards only ever know whether a secret is set; the test needs
 * no secret from the page, it runs on the saved account.
 * Focus moves into the form when it opens; Escape closes it (the view gives the focus back).
 */
export function AccountForm(props: {
  account: AccountView | null;
  /** The test of the last save failed: shown until the next save. */
  testFailure?: ErrorView | null;
  onSaved: (account: AccountView, outcome: SaveOutcome) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('accounts');
  const text = useCatalogText();
  const api = useFerryApi();
  const formId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const failureRef = useRef<HTMLDivElement>(null);
  const { account } = props;
  const [providerId, setProviderId] = useState<string>(account?.providerId ?? providerCatalog[0].id);
  const provider = providerCatalog.find((entry) => entry.id === providerId);
  const fields: readonly CredentialField[] = provider?.fields ?? [];
  const [name, setName] = useState(account?.name ?? '');
  const [values, setValues] = useState(() => initialFieldValues(fields, account));
  const [intents, setIntents] = useState<Record<string, SecretIntent>>({});
  const secrets = useEnteredSecrets();
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [nameMissing, setNameMissing] = useState(false);
  const [error, setError] = useState<ErrorView | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [secretsCleared, setSecretsCleared] = useState(false);
  const [processing, setProcessing] = useState(() => initialProcessingValues(account));
  const [processingShown, setProcessingShown] = useState<Partial<Record<ProcessingFormKey, string>>>({});
  const failure = phase === 'idle' ? (props.testFailure ?? null) : null;

  useEffect(() => {
    // Opened: a failed test is what to read first, else the first field is where to type.
    if (props.testFailure) failureRef.current?.focus();
    else formRef.current?.querySelector<HTMLElement>('select, input')?.focus();
    // Only when the form opens, not on every change of the failure it shows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const chooseProvider = (id: string) => {
    setProviderId(id);
    const next = providerCatalog.find((entry) => entry.id === id);
    setValues(initialFieldValues(next?.fields ?? [], null));
    secrets.clear();
    setProblems([]);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Found in the form rather than kept in refs: nothing outside the inputs ever points at a secret.
    const secretInputs = [
      ...event.currentTarget.querySelectorAll<HTMLInputElement>('input[data-secret-input]'),
    ];
    if (phase !== 'idle' || provider === undefined) return;
    const found = checkForm(fields, values, secrets.entered, intents, account);
    const processingFound = processingProblems(processing);
    setProblems(found);
    setProcessingShown(processingFound);
    setNameMissing(name.trim() === '');
    if (found.length > 0 || Object.keys(processingFound).length > 0 || name.trim() === '') return;
    // Read the secrets once, then empty the inputs before anything else runs: from here on the values
    // exist only in this request.
    const typed: Record<string, string> = {};
    for (const input of secretInputs) {
      const key = input.dataset['secretInput'];
      if (key !== undefined && input.value !== '') typed[key] = input.value;
      input.value = '';
    }
    secrets.clear();
    setPhase('saving');
    setError(null);
    let saved: AccountView;
    try {
      const processingPatch = processingFieldPatch(processing, account);
      if (account === null) {
        const request = addRequest(providerId, name, fields, values, typed);
        saved = await api.invoke('accounts.add', {
          ...request,
          fields: { ...request.fields, ...processingPatch },
        });
      } else {
        const request = updateRequest(account, name, fields, values, typed, intents);
        const patch = { ...request.fields, ...processingPatch };
        saved = await api.invoke('accounts.update', {
          ...request,
          ...(Object.keys(patch).length > 0 ? { fields: patch } : {}),
        });
      }
    } catch (failure) {
      setError(toErrorView(failure));
      setSecretsCleared(Object.keys(typed).length > 0);
      setPhase('idle');
      return;
    }
    setIntents({});
    setPhase('testing');
    const outcome = await testSaved(api, saved);
    setPhase('idle');
    props.onSaved(saved, outcome);
  };

  const problemFor = (key: string) => problems.find((problem) => problem.key === key);
  const title =
    account === null ? (
      t('form.addTitle')
    ) : (
      <Trans
        t={t}
        i18nKey="form.editTitle"
        components={{ name: <strong translate="no">{account.name}</strong> }}
      />
    );

  return (
    <form
      ref={formRef}
      className="account-form panel"
      aria-labelledby={`${formId}-title`}
      noValidate
      data-phase={phase}
      onSubmit={(e) => void submit(e)}
      onKeyDown={(event) => {
        // An open <select> keeps its own Escape; everywhere else Escape closes the form.
        if (event.key === 'Escape' && !event.defaultPrevented && phase === 'idle') {
          event.preventDefault();
          props.onCancel();
        }
      }}
    >
      <h3 id={`${formId}-title`} className="account-form-title">
        {title}
      </h3>
      {failure !== null ? <SaveTestFailure ref={failureRef} error={failure} onKeep={props.onCancel} /> : null}
      {account === null ? (
        <div className="account-field">
          <label htmlFor={`${formId}-provider`}>{t('form.provider')}</label>
          <select
            id={`${formId}-provider`}
            value={providerId}
            data-testid="account-provider"
            onChange={(event) => chooseProvider(event.target.value)}
          >
            {providerCatalog.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {text.provider(entry.id, entry.name)}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <p className="account-form-provider muted">
          {t('form.providerIs', { name: text.provider(providerId, provider?.name ?? providerId) })}
        </p>
      )}

      <div className="account-field">
        <label htmlFor={`${formId}-name`}>
          {t('form.name')}
          <RequiredMark />
        </label>
        <input
          id={`${formId}-name`}
          type="text"
          value={name}
          autoComplete="off"
          aria-required="true"
          aria-invalid={nameMissing}
          data-testid="account-name"
          onChange={(event) => setName(event.target.value)}
        />
        {nameMissing ? <p className="account-field-problem">{t('form.problems.required')}</p> : null}
      </div>

      {fields.map((field) => (
        <CredentialFieldRow
          key={`${providerId}:${field.key}`}
          formId={formId}
          providerId={providerId}
          field={field}
          account={account}
          value={values[field.key] ?? ''}
          intent={intents[field.key] ?? 'keep'}
          problem={problemFor(field.key)}
          onValue={(value) => setValues((current) => ({ ...current, [field.key]: value }))}
          onIntent={(intent) => {
            setIntents((current) => ({ ...current, [field.key]: intent }));
            // Leaving "replace" unmounts the input, and what was typed in it goes with it.
            if (intent !== 'replace') secrets.mark(field.key, false);
          }}
          onEntered={(filled) => secrets.mark(field.key, filled)}
        />
      ))}

      <ProcessingFields
        providerId={providerId}
        values={processing}
        problems={processingShown}
        onChange={(key, value) => setProcessing((current) => ({ ...current, [key]: value }))}
      />

      {error !== null ? (
        <div role="alert">
          <ErrorText error={error} />
          {secretsCleared ? <p className="account-field-help">{t('form.secretsCleared')}</p> : null}
        </div>
      ) : null}

      <div className="account-form-actions">
        <button type="button" className="button" onClick={props.onCancel} disabled={phase !== 'idle'}>
          {failure !== null ? t('form.close') : t('form.cancel')}
        </button>
        <button
          type="submit"
          className="button primary"
          disabled={phase !== 'idle'}
          data-testid="account-save"
        >
          {phase === 'saving'
            ? t('form.saving')
            : phase === 'testing'
              ? t('form.testing')
              : account === null
                ? t('form.add')
                : t('form.save')}
        </button>
      </div>
    </form>
  );
}
