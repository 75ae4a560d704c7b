import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { metadataStrips, outputFormats, parseMaxSize } from '../../../shared/processing.ts';
import { remoteNamePatternProblem, remoteNamePlaceholders } from '../../../shared/remote-name.ts';
import type { Settings, SettingsPatch } from '../../../shared/settings.ts';
import { renamePreview } from '../accounts/processing-form-model.ts';
import { Field, NumberInput, Toggle } from './settings-fields.tsx';
import { useNow } from '../../components/use-now.ts';
import './processing-settings.css';

type Processing = Settings['processing'];

/** Text typed freely and saved when the field is left (or Enter); `onDraft` sees each keystroke. */
function TextInput(props: {
  id: string;
  hintId?: string | undefined;
  value: string;
  placeholder?: string;
  testId?: string;
  /** Each keystroke, and null once the draft is saved or dropped. */
  onDraft?: (draft: string | null) => void;
  onCommit: (value: string) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    setDraft(null);
    props.onDraft?.(null);
    if (draft !== props.value) props.onCommit(draft);
  };
  return (
    <input
      id={props.id}
      type="text"
      className="processing-text-input"
      autoComplete="off"
      spellCheck={false}
      aria-describedby={props.hintId}
      placeholder={props.placeholder}
      data-testid={props.testId}
      value={draft ?? props.value}
      onChange={(event) => {
        setDraft(event.target.value);
        props.onDraft?.(event.target.value);
      }}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit();
      }}
    />
  );
}

/** What a photo would be called, on a provider without folders and on S3, as the pattern is typed. */
function RenamePreview(props: { pattern: string; format: string }) {
  const { t } = useTranslation('processing');
  const now = useNow();
  const problem = props.pattern.trim() === '' ? null : remoteNamePatternProblem(props.pattern);
  if (problem !== null)
    return (
      <p className="field-hint" role="status" data-testid="settings-rename-preview">
        {problem}
      </p>
    );
  const line = (providerId: string, label: string) => {
    const preview = renamePreview(props.pattern, providerId, props.format, now);
    return (
      <>
        {label} <code translate="no">{'name' in preview ? preview.name : preview.problem}</code>
      </>
    );
  };
  return (
    <p
      className="field-hint settings-rename-preview"
      aria-live="polite"
      data-testid="settings-rename-preview"
    >
      {line('', t('previewLabel'))}
      <br />
      {line('s3', t('previewS3'))}
    </p>
  );
}

/** Settings → Images before they leave: the defaults every account follows unless it sets its own. */
export function ProcessingSettings({
  settings,
  update,
}: {
  settings: Settings;
  update: (patch: SettingsPatch) => void;
}) {
  const { t } = useTranslation('processing');
  const processing = settings.processing;
  const [renameDraft, setRenameDraft] = useState<string | null>(null);
  const set = (patch: Partial<Processing>) => update({ processing: patch });
  const maxSize =
    processing.maxWidth === 0 && processing.maxHeight === 0
      ? ''
      : `${processing.maxWidth || ''}x${processing.maxHeight || ''}`;
  return (
    <fieldset className="settings-group" data-testid="processing-settings">
      <legend>{t('title')}</legend>
      <Toggle
        label={t('settings.enabled')}
        checked={processing.enabled}
        onChange={(enabled) => set({ enabled })}
      />
      <Field label={t('fields.format')}>
        {(id) => (
          <select
            id={id}
            value={processing.format}
            onChange={(event) => set({ format: event.target.value as Processing['format'] })}
          >
            {outputFormats.map((format) => (
              <option key={format} value={format}>
                {t(`options.format.${format}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('fields.quality')}>
        {(id) => (
          <NumberInput
            id={id}
            value={processing.quality}
            min={1}
            max={100}
            onCommit={(quality) => set({ quality })}
          />
        )}
      </Field>
      <Field label={t('fields.maxSize')} hint={t('settings.maxSizeHint')}>
        {(id, hintId) => (
          <TextInput
            id={id}
            hintId={hintId}
            value={maxSize}
            placeholder={t('settings.noLimit')}
            onCommit={(text) => {
              if (text.trim() === '') return set({ maxWidth: 0, maxHeight: 0 });
              try {
                set(parseMaxSize(text));
              } catch {
                // Not a size: the field goes back to the saved value.
              }
            }}
          />
        )}
      </Field>
      <Field label={t('fields.stripMetadata')}>
        {(id) => (
          <select
            id={id}
            value={processing.stripMetadata}
            onChange={(event) => set({ stripMetadata: event.target.value as Processing['stripMetadata'] })}
          >
            {metadataStrips.map((strip) => (
              <option key={strip} value={strip}>
                {t(`options.stripMetadata.${strip}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('fields.watermarkText')}>
        {(id) => (
          <TextInput
            id={id}
            value={processing.watermarkText}
            placeholder={t('settings.none')}
            onCommit={(watermarkText) => set({ watermarkText })}
          />
        )}
      </Field>
      <Toggle
        label={t('settings.keepSmallerOriginal')}
        checked={processing.keepSmallerOriginal}
        onChange={(keepSmallerOriginal) => set({ keepSmallerOriginal })}
      />
      <Field label={t('fields.rename')} hint={t('settings.renameHint')}>
        {(id, hintId) => (
          <>
            <TextInput
              id={id}
              hintId={hintId}
              value={processing.rename}
              placeholder={t('renameOwnName')}
              testId="settings-rename"
              onDraft={setRenameDraft}
              onCommit={(rename) => {
                if (rename.trim() === '' || remoteNamePatternProblem(rename) === null)
                  set({ rename: rename.trim() });
              }}
            />
            <p className="field-hint">
              <code translate="no">{remoteNamePlaceholders.join(' ')}</code>
            </p>
            <RenamePreview pattern={renameDraft ?? processing.rename} format={processing.format} />
          </>
        )}
      </Field>
      <Toggle
        label={t('settings.dedupe')}
        checked={processing.dedupe}
        onChange={(dedupe) => set({ dedupe })}
      />
    </fieldset>
  );
}
