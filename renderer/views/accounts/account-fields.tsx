import { useTranslation } from 'react-i18next';
import type { CredentialField } from '../../../shared/catalog.ts';
import type { AccountView } from '../../../shared/models.ts';
import type { FormProblem, SecretIntent } from './account-form-model.ts';

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

export function RequiredMark() {
  const { t } = useTranslation('accounts');
  return (
    <span className="account-required" title={t('form.required')}>
      <span aria-hidden="true"> *</span>
      <span className="visually-hidden"> ({t('form.required')})</span>
    </span>
  );
}

export function PlainInput(props: {
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
export function SecretInput(props: {
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

/** One field of the catalog: its label, input (plain or write-only secret), help and problem. */
export function CredentialFieldRow(props: {
  formId: string;
  providerId: string;
  field: CredentialField;
  account: AccountView | null;
  value: string;
  intent: SecretIntent;
  problem: FormProblem | undefined;
  onValue: (value: string) => void;
  onIntent: (intent: SecretIntent) => void;
  onEntered: (filled: boolean) => void;
}) {
  const { t } = useTranslation('accounts');
  const text = useCatalogText();
  const { field, providerId, problem } = props;
  const id = `${props.formId}-${field.key}`;
  const helpText = text.help(providerId, field);
  const describedBy = [helpText ? `${id}-help` : '', problem ? `${id}-problem` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="account-field" data-field={field.key}>
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
          account={props.account}
          intent={props.intent}
          describedBy={describedBy || undefined}
          invalid={problem !== undefined}
          onIntent={props.onIntent}
          onEntered={props.onEntered}
        />
      ) : (
        <PlainInput
          id={id}
          field={field}
          label={text.label(providerId, field)}
          value={props.value}
          describedBy={describedBy || undefined}
          invalid={problem !== undefined}
          onChange={props.onValue}
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
}
