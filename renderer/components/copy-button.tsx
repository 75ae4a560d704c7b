import { useEffect, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

const feedbackMs = 1500;

/** `describedBy` names what is copied, so a list of "Copy link" buttons stays tellable apart. */
export function CopyButton(props: { text: string; describedBy?: string }) {
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
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy link'}
    </button>
  );
}
