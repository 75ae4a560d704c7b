import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyMenu } from '../../components/copy-menu.tsx';
import { formatBytes } from '../../models/format-bytes.ts';
import { batchTotals } from '../../models/task-list.ts';
import { useAppActions, useAppState } from '../../state/app-context.tsx';
import { useDoneEntries, useLinkFormat, useQueueSections } from './use-queue.ts';

export function QueueTotals() {
  const { t } = useTranslation('queue');
  const tasks = useAppState((state) => state.tasks);
  const localItems = useAppState((state) => state.localItems);
  const clearFinished = useAppState((state) => state.clearFinished);
  const { pauseAll, resumeAll } = useAppActions();
  const linkFormat = useLinkFormat();
  const sections = useQueueSections();
  // What is shown, oldest batch first and each in input order: a task its batch has not claimed yet
  // is still counted as the file being handed over, never twice.
  const keys = useMemo(() => sections.toReversed().flatMap((section) => section.keys), [sections]);
  const done = useDoneEntries(keys);
  const totals = useMemo(() => {
    const staging = new Set(localItems.filter((item) => item.state === 'staging').map((item) => item.id));
    const handingOver = keys.filter((key) => staging.has(key)).length;
    return batchTotals(
      keys.filter((key) => tasks[key] !== undefined),
      tasks,
      handingOver,
    );
  }, [keys, tasks, localItems]);
  if (totals.total === 0) return null;
  return (
    <div
      className="queue-totals"
      role="group"
      aria-label={t('totals.label')}
      data-testid="queue-totals"
      data-total={totals.total}
      data-done={totals.done}
      data-failed={totals.failed}
      data-cancelled={totals.cancelled}
      data-handing-over={totals.handingOver}
    >
      <p className="totals-text" aria-live="off">
        <span data-testid="totals-files">
          {t('totals.files', { done: totals.done, total: totals.total })}
        </span>
        {totals.handingOver > 0 ? (
          <span data-testid="totals-handing-over">
            {t('totals.handingOver', { count: totals.handingOver })}
          </span>
        ) : null}
        {totals.failed > 0 ? (
          <span className="is-failed">{t('totals.failed', { count: totals.failed })}</span>
        ) : null}
        <span>
          {t('totals.bytes', {
            done: formatBytes(totals.transferredBytes),
            total: formatBytes(totals.totalBytes),
          })}
        </span>
        {totals.bytesPerSecond > 0 ? (
          <span data-testid="totals-speed">
            {t('totals.speed', { speed: formatBytes(totals.bytesPerSecond) })}
          </span>
        ) : null}
      </p>
      <div className="totals-actions">
        {done.length > 0 ? (
          <CopyMenu
            entries={done}
            defaultFormatId={linkFormat}
            label={t('copyAll', { count: done.length })}
            testIdPrefix="totals-copy"
          />
        ) : null}
        <button
          type="button"
          className="button small"
          disabled={totals.active === 0}
          onClick={() => void pauseAll()}
        >
          {t('actions.pauseAll')}
        </button>
        <button
          type="button"
          className="button small"
          disabled={totals.paused === 0}
          onClick={() => void resumeAll()}
        >
          {t('actions.resumeAll')}
        </button>
        <button
          type="button"
          className="button subtle small"
          disabled={totals.done + totals.cancelled === 0}
          onClick={clearFinished}
        >
          {t('actions.clearFinished')}
        </button>
      </div>
    </div>
  );
}
