import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { BatchOutcome } from '../models/batch-outcome.ts';
import { useAppState } from '../state/app-context.tsx';
import { useDoneEntries, useLinkFormat } from '../views/queue/use-queue.ts';
import { CopyMenu } from './copy-menu.tsx';
import { Icon } from './icons.tsx';

/** A message stays this long when all went well; a failure stays until dismissed. */
const successMs = 8_000;
const noSlots: readonly string[] = [];

function BatchToast(props: { outcome: BatchOutcome }) {
  const { t } = useTranslation('common');
  const { outcome } = props;
  const slots = useAppState((state) => state.batches.find((batch) => batch.id === outcome.batchId)?.slots);
  const dismissToast = useAppState((state) => state.dismissToast);
  const setView = useAppState((state) => state.setView);
  const linkFormat = useLinkFormat();
  const done = useDoneEntries(slots ?? noSlots);
  const failed = outcome.failed > 0;

  useEffect(() => {
    if (failed) return;
    const timer = setTimeout(() => dismissToast(outcome.batchId), successMs);
    return () => clearTimeout(timer);
  }, [failed, dismissToast, outcome.batchId]);

  return (
    <div className="toast" data-testid="batch-toast" data-failed={failed ? '' : undefined}>
      <Icon name={failed ? 'close' : 'check'} />
      <p className="toast-text">
        {failed
          ? t('toast.failed', { count: outcome.total, failed: outcome.failed })
          : t('toast.uploaded', { count: outcome.done })}
      </p>
      {done.length > 0 ? (
        <CopyMenu
          entries={done}
          defaultFormatId={linkFormat}
          label={t('toast.copy', { count: done.length })}
          testIdPrefix="toast-copy"
        />
      ) : null}
      {failed ? (
        <button
          type="button"
          className="button small"
          onClick={() => {
            setView('queue');
            dismissToast(outcome.batchId);
          }}
        >
          {t('toast.show')}
        </button>
      ) : null}
      <button
        type="button"
        className="button subtle small"
        aria-label={t('toast.dismiss')}
        title={t('toast.dismiss')}
        onClick={() => dismissToast(outcome.batchId)}
      >
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}

/**
 * The browser's stand-in for the desktop's notifications: a message when a batch finishes or fails,
 * in a live region that is always there, so a screen reader hears each one as it comes.
 */
export function BatchToasts() {
  const { t } = useTranslation('common');
  const toasts = useAppState((state) => state.toasts);
  return (
    <section className="toasts" aria-live="polite" aria-label={t('toast.label')}>
      {toasts.map((outcome) => (
        <BatchToast key={outcome.batchId} outcome={outcome} />
      ))}
    </section>
  );
}
