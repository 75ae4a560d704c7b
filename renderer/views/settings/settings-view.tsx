import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { copyFormats } from '../../../shared/copy-formats/index.ts';
import type { Settings, SettingsPatch } from '../../../shared/settings.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { useAppActions, useAppState } from '../../state/app-context.tsx';
import { ProcessingSettings } from './processing-settings.tsx';
import { Field, NumberInput, Toggle } from './settings-fields.tsx';
import { ShortcutField } from './shortcut-field.tsx';

const concurrencyChoices = Array.from({ length: 10 }, (_, index) => index + 1);
const languages = ['system', 'en', 'zh-CN'] as const satisfies readonly Settings['language'][];
const themes = ['system', 'light', 'dark'] as const satisfies readonly Settings['theme'][];

interface GroupProps {
  settings: Settings;
  update: (patch: SettingsPatch) => void;
}

function UploadSettings({ settings, update }: GroupProps) {
  const { t } = useTranslation('settings');
  const accounts = useAppState((state) => state.accounts);
  return (
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
      <Field label={t('uploads.defaultAccount')} hint={t('uploads.defaultAccountHint')}>
        {(id, hintId) => (
          <select
            id={id}
            aria-describedby={hintId}
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
      <Toggle
        label={t('uploads.uploadEmptyFiles')}
        checked={settings.uploadEmptyFiles}
        onChange={(uploadEmptyFiles) => update({ uploadEmptyFiles })}
      />
    </fieldset>
  );
}

function AppearanceSettings({ settings, update }: GroupProps) {
  const { t } = useTranslation('settings');
  return (
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
  );
}

/**
 * The clipboard shortcut, the links copied after an upload, the drop window, notifications and the tray
 * belong to the desktop app. In a browser they are still saved (the desktop app on the same data folder
 * uses them), and the group says so: here a batch that finishes or fails shows a message in the page
 * instead.
 */
function DesktopSettings({ settings, update }: GroupProps) {
  const { t } = useTranslation('settings');
  const shell = useAppState((state) => state.shell);
  return (
    <fieldset className="settings-group" data-testid="desktop-settings" data-shell={shell}>
      <legend>{t('behaviour.title')}</legend>
      {shell === 'browser' ? (
        <p className="field-hint settings-desktop-only" data-testid="desktop-only-note">
          {t('behaviour.desktopOnly')}
        </p>
      ) : null}
      <ShortcutField
        value={settings.clipboardShortcut}
        onCommit={(clipboardShortcut) => update({ clipboardShortcut })}
      />
      <Toggle
        label={t('behaviour.copyLinksOnUpload')}
        checked={settings.copyLinksOnUpload}
        onChange={(copyLinksOnUpload) => update({ copyLinksOnUpload })}
      />
      <Toggle
        label={t('behaviour.dropWindow')}
        checked={settings.dropWindow}
        onChange={(dropWindow) => update({ dropWindow })}
      />
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
  );
}

function LocalApiSettings({ settings, update }: GroupProps) {
  const { t } = useTranslation('settings');
  const { rotateLocalApiSecret } = useAppActions();
  return (
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
  );
}

export function SettingsView() {
  const { t } = useTranslation('settings');
  const headingId = useId();
  const settings = useAppState((state) => state.settings);
  const settingsError = useAppState((state) => state.settingsError);
  const { updateSettings } = useAppActions();
  const update = (patch: SettingsPatch) => void updateSettings(patch);
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
      {settings === null ? (
        <p className="empty">{t('loading')}</p>
      ) : (
        <div className="settings-groups">
          <UploadSettings settings={settings} update={update} />
          <ProcessingSettings settings={settings} update={update} />
          <AppearanceSettings settings={settings} update={update} />
          <DesktopSettings settings={settings} update={update} />
          <LocalApiSettings settings={settings} update={update} />
        </div>
      )}
    </section>
  );
}
