import { useTranslation } from 'react-i18next';
import { useCopyFeedback } from './copy-menu.tsx';
import { Icon, SwapLabel } from './icons.tsx';

/**
 * Copies one text (the local API's secret). `describedBy` names what is copied; `label` replaces the
 * default "Copy". The label keeps its width when it turns into "Copied".
 */
export function CopyButton(props: { text: string; describedBy?: string; label?: string }) {
  const { t } = useTranslation('common');
  const { state, copy } = useCopyFeedback();
  return (
    <>
      <button
        type="button"
        className={state === 'copied' ? 'button small is-copied' : 'button small'}
        aria-describedby={props.describedBy}
        onClick={() => void copy(props.text)}
      >
        <Icon name={state === 'copied' ? 'check' : 'copy'} size={14} />
        <SwapLabel
          texts={{ idle: props.label ?? t('copy.copy'), copied: t('copy.copied'), failed: t('copy.failed') }}
          current={state}
        />
      </button>
      <span className="visually-hidden" role="status">
        {state === 'copied' ? t('copy.copied') : state === 'failed' ? t('copy.failed') : ''}
      </span>
    </>
  );
}
