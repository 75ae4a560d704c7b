import { useId, useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { providerCatalog, type CredentialField } from '../../../shared/catalog.ts';
import type { ErrorView } from '../../../shared/errors.ts';
import type { AccountView } from '../../../shared/models.ts';
import { ErrorText } from '../../components/error-text.tsx';
import { toErrorView } from '../../models/error-message.ts';
import { useFerryApi } from '../history/api-access.ts';
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

const selectableProviders = providerCatalog;

/** Catalog texts in the user's language, the catalog's English when a translation is missing. */
export function useCatalogText() {
  const { t } = useTranslation('accounts');
  return {
    provider: (id: string, fallback: string) => t(`providers.${id}`, { defaultValue: fallback }),
    label: (providerId: string, field: CredentialField) =>
      t(`fields.${providerId}.${field.key}.label`, { defaultValue: field.label }),
    help: (providerId: string, field: CredentialField) =>
      field.help === undefined
        ? undefined
        : t(`fields.${providerId}.${field.key}.help`, { defaultValue: field.help }),
  };
}

/**
 * Adds an account (`account` null) or edits one. Secret inputs are uncontrolled password fields: what is
 * typed lives only in the input until submit, when it is read once into the request and the inputs are
 * emptied. React state, the app store and the DOM afterwards only ever know whether a secret is set.
 */
export function AccountForm(props: {
  account: AccountView | null;
  onSaved: (account: AccountView) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('accounts');
  const text = useCatalogText();
  const api = useFerryApi();
  const formId = useId();
  const { account } = props;
  const [providerId, setProviderId] = useState<string>(account?.providerId ?? selectableProviders[0].id);
  const provider = providerCatalog.find((entry) => entry.id === providerId);
  const fields: readonly CredentialField[] = provider?.fields ?? [];
  const [name, setName] = useState(account?.name ?? '');
  const [values, setValues] = useState(() => initialFieldValues(fields, account));
  const [intents, setIntents] = useState<Record<string, SecretIntent>>({});
  // Which secret inputs hold something: booleans only, so validation never needs the value itself.
  const [entered, setEntered] = useState<ReadonlySet<string>>(new Set());
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [nameMissing, setNameMissing] = useState(false);
  const [error, setError] = useState<ErrorView | null>(null);
  const [busy, setBusy] = useState(false);
  const [secretsCleared, setSecretsCleared] = useState(false);
  const [processing, setProcessing] = useState(() => initialProcessingValues(account));
  const [processingShown, setProcessingShown] = useState<Partial<Record<ProcessingFormKey, string>>>({});

  const chooseProvider = (id: string) => {
    setProviderId(id);
    const next = providerCatalog.find((entry) => entry.id === id);
    setValues(initialFieldValues(next?.fields ?? [], null));
    setEntered(new Set());
    setProblems([]);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Found in the form rather than kept in refs: nothing outside the inputs ever points at a secret.
    const secretInputs = [
      ...event.currentTarget.querySelectorAll<HTMLInputElement>('input[data-secret-input]'),
    ];
    if (busy || provider === undefined) return;
    const found = checkForm(fields, values, entered, intents, account);
    const processingFound = processingProblems(processing);
    setProblems(found);
    setProcessingShown(processingFound);
    setNameMissing(name.trim() === '');
    if (found.length > 0 || Object.keys(processingFound).length > 0 || name.trim() === '') return;
    // Read the secrets once, then empty the inputs before anything else runs: from here on the values
    // exist only in this request.
    const secrets: Record<string, string> = {};
    for (const input of secretInputs) {
      const key = input.dataset['secretInput'];
      if (key !== undefined && input.value !== '') secrets[key] = input.value;
      input.value = '';
    }
    const typedAny = Object.keys(secrets).length > 0;
    setEntered(new Set());
    setBusy(true);
    setError(null);
    try {
      const processingPatch = processingFieldPatch(processing, account);
      let saved: AccountView;
      if (account === null) {
        const request = addRequest(providerId, name, fields, values, secrets);
        saved = await api.invoke('accounts.add', {
          ...request,
          fields: { ...request.fields, ...processingPatch },
        });
      } else {
        const request = updateRequest(account, name, fields, values, secrets, intents);
        const patch = { ...request.fields, ...processingPatch };
        saved = await api.invoke('accounts.update', {
          ...request,
          ...(Object.keys(patch).length > 0 ? { fields: patch } : {}),
        });
      }
      setIntents({});
      props.onSaved(saved);
    } catch (failure) {
      setError(toErrorView(failure));
      setSecretsCleared(typedAny);
    } finally {
      setBusy(false);
    }
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
      className="account-form panel"
      aria-labelledby={`${formId}-title`}
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <h3 id={`${formId}-title`} className="account-form-title">
        {title}
      </h3>
      {account === null ? (
        <div className="account-field">
          <label htmlFor={`${formId}-provider`}>{t('form.provider')}</label>
          <select
            id={`${formId}-provider`}
            value={providerId}
            data-testid="account-provider"
            onChange={(event) => chooseProvider(event.target.value)}
          >
            {selectableProviders.map((entry) => (
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

      {fields.map((field) => {
        const id = `${formId}-${field.key}`;
        const helpText = text.help(providerId, field);
        const problem = problemFor(field.key);
        const describedBy = [helpText ? `${id}-help` : '', problem ? `${id}-problem` : '']
          .filter(Boolean)
          .join(' ');
        return (
          <div key={`${providerId}:${field.key}`} className="account-field" data-field={field.key}>
            {field.kind === 'boolean' ? null : (
              <label htmlFor={id}>
                {text.label(providerId, field)}
                {field.required ? <RequiredMark /> : null}
                {field.secret ? <span className="account-secret-tag">{t('secret.tag')}</span> : null}
              </label>
            )}
            {field.secret ? (
              <SecretInput
                id={id}
                field={field}
                account={account}
                intent={intents[field.key] ?? 'keep'}
                describedBy={describedBy || undefined}
                invalid={problem !== undefined}
                onIntent={(intent) => {
                  setIntents((current) => ({ ...current, [field.key]: intent }));
                  // Leaving "replace" unmounts the input, and what was typed in it goes with it.
                  if (intent !== 'replace') {
                    setEntered((current) => {
                      const next = new Set(current);
                      next.delete(field.key);
                      return next;
                    });
                  }
                }}
                onEntered={(filled) =>
                  setEntered((current) => {
                    if (current.has(field.key) === filled) return current;
                    const next = new Set(current);
                    if (filled) next.add(field.key);
                    else next.delete(field.key);
                    return next;
                  })
                }
              />
            ) : (
              <PlainInput
                id={id}
                field={field}
                label={text.label(providerId, field)}
                value={values[field.key] ?? ''}
                describedBy={describedBy || undefined}
                invalid={problem !== undefined}
                onChange={(value) => setValues((current) => ({ ...current, [field.key]: value }))}
              />
            )}
            {helpText ? (
              <p id={`${id}-help`} className="account-field-help">
                {helpText}
              </p>
            ) : null}
            {problem ? (
              <p id={`${id}-problem`} className="account-field-problem">
                {problem.kind === 'invalid' ? problem.message : t(`form.problems.${problem.kind}`)}
              </p>
            ) : null}
          </div>
        );
      })}

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
        <button type="button" className="button" onClick={props.onCancel} disabled={busy}>
          {t('form.cancel')}
        </button>
        <button type="submit" className="button primary" disabled={busy} data-testid="account-save">
          {busy ? t('form.saving') : account === null ? t('form.add') : t('form.save')}
        </button>
      </div>
    </form>
  );
}

function RequiredMark() {
  const { t } = useTranslation('accounts');
  return (
    <span className="account-required" title={t('form.required')}>
      <span aria-hidden="true"> *</span>
      <span className="visually-hidden"> ({t('form.required')})</span>
    </span>
  );
}

function PlainInput(props: {
  id: string;
  field: CredentialField;
  label: string;
  value: string;
  describedBy: string | undefined;
  invalid: boolean;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation('accounts');
  const { field } = props;
  if (field.kind === 'boolean') {
    return (
      <label className="account-checkbox" htmlFor={props.id}>
        <input
          id={props.id}
          type="checkbox"
          checked={props.value === 'true'}
          aria-describedby={props.describedBy}
          onChange={(event) => props.onChange(event.target.checked ? 'true' : 'false')}
        />
        {props.label}
        {field.required ? <RequiredMark /> : null}
      </label>
    );
  }
  if (field.kind === 'select') {
    return (
      <select
        id={props.id}
        value={props.value}
        aria-describedby={props.describedBy}
        aria-required={field.required}
        aria-invalid={props.invalid}
        onChange={(event) => props.onChange(event.target.value)}
      >
        {field.required && field.defaultValue !== undefined ? null : (
          <option value="">
            {field.defaultValue === undefined ? t('form.none') : t('form.defaultOption')}
          </option>
        )}
        {(field.options ?? []).map((option) => (
          <option key={option} value={option}>
            {/* Only word-like options are translated: a URL option would be read as an i18next key path. */}
            {/^[a-z0-9-]+$/.test(option) ? t(`options.${option}`, { defaultValue: option }) : option}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      id={props.id}
      type={field.kind === 'url' ? 'url' : 'text'}
      inputMode={field.kind === 'number' ? 'numeric' : undefined}
      value={props.value}
      placeholder={field.placeholder ?? (field.defaultValue !== undefined ? field.defaultValue : undefined)}
      autoComplete="off"
      spellCheck={false}
      aria-required={field.required}
      aria-invalid={props.invalid}
      aria-describedby={props.describedBy}
      onChange={(event) => props.onChange(event.target.value)}
    />
  );
}

/**
 * A write-only secret. A saved secret is shown only as "set"; replacing it opens an empty password
 * input, clearing it (when optional) removes it on save. The input is uncontrolled on purpose: React
 * never holds the value, so it cannot be rendered back as a `value` attribute.
 */
function SecretInput(props: {
  id: string;
  field: CredentialField;
  account: AccountView | null;
  intent: SecretIntent;
  describedBy: string | undefined;
  invalid: boolean;
  onIntent: (intent: SecretIntent) => void;
  onEntered: (filled: boolean) => void;
}) {
  const { t } = useTranslation('accounts');
  const { account, field, intent } = props;
  const isSet = account !== null && account.secretsSet[field.key] === true;
  const unreadable = isSet && account.needsReentry;
  const showInput = !isSet || unreadable || intent === 'replace';
  const status = unreadable ? 'unreadable' : intent === 'clear' ? 'clearing' : isSet ? 'set' : 'notSet';

  return (
    <div className="account-secret" data-secret-state={status}>
      <span className="account-secret-status" data-testid={`secret-status-${field.key}`}>
        {t(`secret.${status}`)}
      </span>
      {showInput ? (
        <input
          id={props.id}
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          placeholder={isSet && !unreadable ? t('secret.replacePlaceholder') : (field.placeholder ?? '')}
          aria-required={field.required}
          aria-invalid={props.invalid}
          aria-describedby={props.describedBy}
          data-secret-input={field.key}
          onInput={(event) => props.onEntered(event.currentTarget.value !== '')}
        />
      ) : null}
      {isSet && !unreadable ? (
        <span className="account-secret-actions">
          {intent === 'keep' ? (
            <>
              <button type="button" className="button small" onClick={() => props.onIntent('replace')}>
                {t('secret.replace')}
              </button>
              {field.required ? null : (
                <button type="button" className="button small subtle" onClick={() => props.onIntent('clear')}>
                  {t('secret.clear')}
                </button>
              )}
            </>
          ) : (
            <button type="button" className="button small subtle" onClick={() => props.onIntent('keep')}>
              {intent === 'replace' ? t('secret.keep') : t('secret.undoClear')}
            </button>
          )}
        </span>
      ) : null}
    </div>
  );
}
