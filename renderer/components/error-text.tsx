import { useTranslation } from 'react-i18next';
import type { ErrorView } from '../../shared/errors.ts';

/**
 * A failure as the user reads it: Ferry's summary for the error code in the user's language, then the
 * specifics untranslated — the provider's own words and code when it gave them (so they can be quoted
 * to the provider's support), else Ferry's detailed message. `lang` marks the untranslated part.
 */
export function ErrorText(props: { error: ErrorView; className?: string }) {
  const { t } = useTranslation('common');
  const { error } = props;
  // A code without words ("AccessDenied" after a bodiless answer) says too little: Ferry's own
  // message (what it asked, what came back) goes with it.
  const provider = error.providerMessage;
  // The whole text as a tooltip too: in a one-line row (the queue) the end may be cut off.
  const whole = [t(`errors.${error.code}`), error.providerMessage ?? error.message, error.providerCode ?? '']
    .filter(Boolean)
    .join(' — ');
  return (
    <p className={props.className ?? 'row-error'} data-error-code={error.code} title={whole}>
      <span className="error-message">{t(`errors.${error.code}`)}</span>{' '}
      {provider ? (
        <span className="provider-message">
          {t('error.providerSaid')}{' '}
          {error.providerMessage ? (
            <span lang="" translate="no" data-untranslated="">
              {error.providerMessage}
            </span>
          ) : null}
          {error.providerCode ? (
            <span className="provider-code"> ({t('error.providerCode', { code: error.providerCode })})</span>
          ) : null}
        </span>
      ) : (
        <>
          <span className="error-details" lang="" translate="no" data-untranslated="">
            {error.message}
          </span>
          {error.providerCode ? (
            <span className="provider-code"> ({t('error.providerCode', { code: error.providerCode })})</span>
          ) : null}
        </>
      )}
    </p>
  );
}
