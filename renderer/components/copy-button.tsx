import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

type CopyState = 'idle' | 'copied' | 'failed';

const feedbackMs = 1500;

/**
 * `describedBy` names what is copied, so a list of "Copy link" buttons stays tellable apart; `label`
 * replaces the default "Copy link".
 */
export function CopyButton(props: { text: string; describedBy?: string; label?: string }) {
  const { t } = useTranslation('common');
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), feedbackMs);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  return (
    <button
      type="button"
      className={state === 'copied' ? 'button small is-copied' : 'button small'}
      aria-describedby={props.describedBy}
      aria-live="polite"
      onClick={() => void copy()}
    >
      {state === 'copied'
        ? t('copy.copied')
        : state === 'failed'
          ? t('copy.failed')
          : (props.label ?? t('copy.link'))}
    </button>
  );
}
