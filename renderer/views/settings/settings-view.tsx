import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { copyFormats } from '../../../shared/copy-formats/index.ts';
import type { Settings, SettingsPatch } from '../../../shared/settings.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { useAppActions, useAppState } from '../../state/app-context.tsx';

const concurrencyChoices = Array.from({ length: 10 }, (_, index) => index + 1);
const languages = ['system', 'en', 'zh-CN'] as const satisfies readonly Settings['language'][];
const themes = ['system', 'light', 'dark'] as const satisfies readonly Settings['theme'][];

function Field(props: {
  label: string;
  hint?: string;
  children: (id: string, hintId: string | undefined) => ReactNode;
}) {
  const id = useId();
  const hintId = props.hint === undefined ? undefined : `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, hintId)}
      {props.hint === undefined ? null : (
        <p className="field-hint" id={hintId}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

function Toggle(props: {
  label: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="field is-toggle">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}

/**
 * A whole number typed freely and saved when the field is left (or Enter): saving per keystroke would
 * send "3" on the way to "36677". Out-of-range text goes back to the saved value.
 */
function NumberInput(props: {
  id: string;
  hintId?: string | undefined;
  value: number;
  min: number;
  max: number;
  onCommit: (value: number) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    const value = Number(draft);
    setDraft(null);
    if (Number.isInteger(value) && value >= props.min && value <= props.max && value !== props.value) {
      props.onCommit(value);
    }
  };
  return (
    <input
      id={props.id}
      type="number"
      inputMode="numeric"
      min={props.min}
      max={props.max}
      step={1}
      aria-describedby={props.hintId}
      value={draft ?? String(props.value)}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit();
      }}
    />
  );
}

function SettingsForm(props: { settings: Settings }) {
  const { t } = useTranslation('settings');
  const { settings } = props;
  const { updateSettings, rotateLocalApiSecret } = useAppActions();
  const accounts = useAppState((state) => state.accounts);
  const update = (patch: SettingsPatch) => void updateSettings(patch);

  return (
    <>
      <fieldset className="settings-group">
        <legend>{t('uploads.title')}</legend>
        <Field label={t('uploads.concurrency')}>
          {(id) => (
            <select
              id={id}
              value={settings.concurrency}
              onChange={(event) => update({ concurrency: Number(event.target.value) })}
            >
              {concurrencyChoices.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('uploads.partSize')} hint={t('uploads.partSizeHint')}>
          {(id, hintId) => (
            <NumberInput
              id={id}
              hintId={hintId}
              value={settings.partSizeMiB}
              min={0}
              max={512}
              onCommit={(partSizeMiB) => update({ partSizeMiB })}
            />
          )}
        </Field>
        <Field label={t('uploads.defaultAccount')}>
          {(id) => (
            <select
              id={id}
              value={settings.defaultAccountId ?? ''}
              onChange={(event) =>
                update({ defaultAccountId: event.target.value === '' ? null : event.target.value })
              }
            >
              <option value="">{t('uploads.askEachTime')}</option>
              {accounts.map((account) => (
                <option key={account.id} value={account.id} translate="no">
                  {account.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('uploads.linkFormat')}>
          {(id) => (
            <select
              id={id}
              value={settings.linkFormat}
              onChange={(event) => update({ linkFormat: event.target.value })}
            >
              {copyFormats.map((format) => (
                <option key={format.id} value={format.id}>
                  {t(`formats.${format.id}`, { defaultValue: format.label })}
                </option>
              ))}
            </select>
          )}
        </Field>
      </fieldset>

      <fieldset className="settings-group">
        <legend>{t('appearance.title')}</legend>
        <Field label={t('appearance.language')}>
          {(id) => (
            <select
              id={id}
              value={settings.language}
              onChange={(event) => update({ language: event.target.value as Settings['language'] })}
            >
              {languages.map((language) => (
                <option key={language} value={language}>
                  {t(`languages.${language}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('appearance.theme')}>
          {(id) => (
            <select
              id={id}
              value={settings.theme}
              onChange={(event) => update({ theme: event.target.value as Settings['theme'] })}
            >
              {themes.map((theme) => (
                <option key={theme} value={theme}>
                  {t(`themes.${theme}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </fieldset>

      <fieldset className="settings-group">
        <legend>{t('behaviour.title')}</legend>
        <Toggle
          label={t('behaviour.notifications')}
          checked={settings.notifications}
          onChange={(notifications) => update({ notifications })}
        />
        <Toggle
          label={t('behaviour.notifyWhenFocused')}
          checked={settings.notifyWhenFocused}
          disabled={!settings.notifications}
          onChange={(notifyWhenFocused) => update({ notifyWhenFocused })}
        />
        <Toggle
          label={t('behaviour.minimizeToTray')}
          checked={settings.minimizeToTray}
          onChange={(minimizeToTray) => update({ minimizeToTray })}
        />
      </fieldset>

      <fieldset className="settings-group">
        <legend>{t('localApi.title')}</legend>
        <p className="field-hint">{t('localApi.hint')}</p>
        <p className="field-hint is-warning" data-testid="local-api-capability">
          {t('localApi.capability')}
        </p>
        <Toggle
          label={t('localApi.enabled')}
          checked={settings.localApi.enabled}
          onChange={(enabled) => update({ localApi: { enabled } })}
        />
        <Field label={t('localApi.port')}>
          {(id) => (
            <NumberInput
              id={id}
              value={settings.localApi.port}
              min={1024}
              max={65535}
              onCommit={(port) => update({ localApi: { port } })}
            />
          )}
        </Field>
        <Field label={t('localApi.secret')} hint={t('localApi.secretHint')}>
          {(id, hintId) => (
            <div className="secret-line">
              <input
                id={id}
                className="secret-value"
                type="text"
                readOnly
                translate="no"
                spellCheck={false}
                aria-describedby={hintId}
                value={settings.localApi.secret}
                placeholder={t('localApi.noSecret')}
              />
              {settings.localApi.secret === '' ? null : (
                <>
                  <CopyButton
                    text={settings.localApi.secret}
                    label={t('localApi.copySecret')}
                    describedBy={id}
                  />
                  <button
                    type="button"
                    className="button small"
                    aria-describedby={hintId}
                    onClick={() => void rotateLocalApiSecret()}
                  >
                    {t('localApi.rotateSecret')}
                  </button>
                </>
              )}
            </div>
          )}
        </Field>
      </fieldset>
    </>
  );
}

export function SettingsView() {
  const { t } = useTranslation('settings');
  const headingId = useId();
  const settings = useAppState((state) => state.settings);
  const settingsError = useAppState((state) => state.settingsError);
  return (
    <section className="view settings-view" aria-labelledby={headingId}>
      <h2 id={headingId} className="view-title">
        {t('title')}
      </h2>
      {settingsError === null ? null : (
        <div className="banner is-error" role="alert">
          {t('saveFailed')}{' '}
          <span lang="" translate="no" data-untranslated="">
            {settingsError}
          </span>
        </div>
      )}
      {settings === null ? <p className="empty">{t('loading')}</p> : <SettingsForm settings={settings} />}
    </section>
  );
}
