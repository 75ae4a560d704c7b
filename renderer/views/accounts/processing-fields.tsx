import { useId } from 'react';
import './processing.css';
import { useTranslation } from 'react-i18next';
import { remoteNamingOf } from '../../../shared/catalog.ts';
import { metadataStrips, outputFormats } from '../../../shared/processing.ts';
import { remoteNamePlaceholders } from '../../../shared/remote-name.ts';
import { renamePreview, type ProcessingFormKey, type ProcessingFormValues } from './processing-form-model.ts';
import { useNow } from '../../components/use-now.ts';

/**
 * The account's own processing settings over the app's defaults: each left empty follows Settings.
 * The rename pattern is previewed live with the function the engine names files with.
 */
export function ProcessingFields(props: {
  providerId: string;
  values: ProcessingFormValues;
  problems: Partial<Record<ProcessingFormKey, string>>;
  onChange: (key: ProcessingFormKey, value: string) => void;
}) {
  const { t } = useTranslation('processing');
  const formId = useId();
  const now = useNow();
  const { values, problems } = props;
  const naming = remoteNamingOf(props.providerId);
  const preview = renamePreview(values.rename, props.providerId, values.format, now);
  const anySet = Object.values(values).some((value) => value !== '');
  const id = (key: ProcessingFormKey) => `${formId}-${key}`;

  const field = (key: ProcessingFormKey, control: React.ReactNode, help?: React.ReactNode) => (
    <div className="account-field" data-field={`process.${key}`}>
      <label htmlFor={id(key)}>{t(`fields.${key}`)}</label>
      {control}
      {help}
      {problems[key] !== undefined ? (
        <p id={`${id(key)}-problem`} className="account-field-problem">
          {problems[key]}
        </p>
      ) : null}
    </div>
  );
  const select = (key: ProcessingFormKey, options: readonly string[]) => (
    <select
      id={id(key)}
      value={values[key]}
      aria-invalid={problems[key] !== undefined}
      onChange={(event) => props.onChange(key, event.target.value)}
    >
      <option value="">{t('appDefault')}</option>
      {options.map((option) => (
        <option key={option} value={option}>
          {t(`options.${key}.${option}`)}
        </option>
      ))}
    </select>
  );
  const text = (key: ProcessingFormKey, placeholder?: string) => (
    <input
      id={id(key)}
      type="text"
      value={values[key]}
      placeholder={placeholder ?? t('appDefault')}
      autoComplete="off"
      spellCheck={false}
      aria-invalid={problems[key] !== undefined}
      aria-describedby={problems[key] !== undefined ? `${id(key)}-problem` : undefined}
      onChange={(event) => props.onChange(key, event.target.value)}
    />
  );

  return (
    <details className="account-processing" open={anySet} data-testid="account-processing">
      <summary>{t('title')}</summary>
      <p className="account-field-help">{t('intro')}</p>
      {field('format', select('format', outputFormats))}
      {field('quality', text('quality'))}
      {field('maxSize', text('maxSize', t('maxSizePlaceholder')))}
      {field('stripMetadata', select('stripMetadata', metadataStrips))}
      {field('watermarkText', text('watermarkText', t('watermarkPlaceholder')))}
      {field(
        'rename',
        text('rename', naming.defaultPattern || t('renameOwnName')),
        <>
          <p className="account-field-help">
            {t(naming.folders ? 'renameHelpFolders' : 'renameHelp')}{' '}
            <code translate="no">{remoteNamePlaceholders.join(' ')}</code>
          </p>
          <p className="account-rename-preview" aria-live="polite" data-testid="rename-preview">
            {'name' in preview ? (
              <>
                {t('previewLabel')} <code translate="no">{preview.name}</code>
              </>
            ) : (
              <span className="account-field-problem">{preview.problem}</span>
            )}
          </p>
        </>,
      )}
      {field('dedupe', select('dedupe', ['true', 'false']))}
    </details>
  );
}
