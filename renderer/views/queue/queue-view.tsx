import { useVirtualizer } from '@tanstack/react-virtual';
import { useId, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { AccountPicker } from '../../components/account-picker.tsx';
import { itemsFromFileList, itemsFromFolderPicker } from '../../models/dropped-item.ts';
import { formatBytes } from '../../models/format-bytes.ts';
import { batchTotals } from '../../models/task-list.ts';
import { useAppActions, useAppState } from '../../state/app-context.tsx';
import { LocalRow, TaskRow } from './task-row.tsx';
import { DropOptionsToggles } from './drop-options-toggles.tsx';

/** The keyboard path to what a drop or paste does, and where the drop goes. */
function AddPanel() {
  const { t } = useTranslation('queue');
  const { addItems } = useAppActions();
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);

  return (
    <section className="drop-panel" aria-label={t('add.label')}>
      <div className="drop-text">
        <p className="drop-title">{t('add.title')}</p>
        <p className="drop-hint">{t('add.hint')}</p>
      </div>
      <AccountPicker label={t('add.account')} />
      <DropOptionsToggles />
      <div className="drop-buttons">
        <button type="button" className="button primary" onClick={() => files.current?.click()}>
          {t('add.chooseFiles')}
        </button>
        <button type="button" className="button" onClick={() => folder.current?.click()}>
          {t('add.chooseFolder')}
        </button>
      </div>
      <input
        ref={files}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(event) => {
          void addItems(itemsFromFileList(event.target.files));
          // Cleared so that picking the same file again still fires a change.
          event.target.value = '';
        }}
      />
      <input
        ref={(element) => {
          folder.current = element;
          // Not in React's attribute list; the standard-track name is `webkitdirectory` in every engine.
          element?.setAttribute('webkitdirectory', '');
        }}
        type="file"
        hidden
        data-testid="folder-input"
        onChange={(event) => {
          void addItems(itemsFromFolderPicker(event.target.files));
          event.target.value = '';
        }}
      />
    </section>
  );
}

/** "N files in folder X — upload?": a folder can hold far more than the user remembers. */
function FolderPrompts() {
  const { t } = useTranslation('queue');
  const prompts = useAppState((state) => state.folderPrompts);
  const { confirmFolder, cancelFolder } = useAppActions();
  if (prompts.length === 0) return null;
  return (
    <div className="folder-prompts">
      {prompts.map((prompt) => {
        const count = prompt.files?.length ?? null;
        return (
          <div
            key={prompt.id}
            className="banner is-question"
            role="alertdialog"
            aria-labelledby={`${prompt.id}-text`}
            data-testid="folder-prompt"
          >
            <p className="banner-text" id={`${prompt.id}-text`}>
              {count === null
                ? t('folder.counting', { folder: prompt.folderName })
                : count === 0
                  ? t('folder.empty', { folder: prompt.folderName })
                  : t('folder.confirm', { count, folder: prompt.folderName })}
            </p>
            <div className="banner-actions">
              {count === null || count === 0 ? null : (
                <button
                  type="button"
                  className="button primary small"
                  onClick={() => void confirmFolder(prompt.id)}
                >
                  {t('folder.upload')}
                </button>
              )}
              <button type="button" className="button small" onClick={() => cancelFolder(prompt.id)}>
                {t('folder.cancel')}
              </button>
            </div>
          </div>
        );
      })}
    </div>
  );
}

function QueueTotals() {
  const { t } = useTranslation('queue');
  const tasks = useAppState((state) => state.tasks);
  const order = useAppState((state) => state.taskOrder);
  const clearFinished = useAppState((state) => state.clearFinished);
  const { pauseAll, resumeAll } = useAppActions();
  const totals = useMemo(() => batchTotals(order, tasks), [order, tasks]);
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
    >
      <p className="totals-text" aria-live="off">
        <span data-testid="totals-files">
          {t('totals.files', { done: totals.done, total: totals.total })}
        </span>
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

/** Every row is this tall (styles.css .queue-row): no measuring, so 2,000 rows cost nothing to lay out. */
const rowHeight = 80;

/** Only the rows in view (plus a few) are in the DOM, so 2,000 files scroll and update like 20. */
function QueueRows() {
  const { t } = useTranslation('queue');
  const order = useAppState((state) => state.taskOrder);
  const localItems = useAppState((state) => state.localItems);
  const scroller = useRef<HTMLDivElement>(null);
  const count = order.length + localItems.length;
  // The virtualizer's API returns functions React Compiler cannot memoize; this component opts out.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 6,
    getItemKey: (index) => (index < order.length ? order[index]! : localItems[index - order.length]!.id),
  });

  if (count === 0) return <p className="empty">{t('empty')}</p>;
  return (
    <div
      ref={scroller}
      className="queue-scroll"
      data-testid="queue-list"
      tabIndex={0}
      aria-label={t('row.list')}
    >
      {/* Heights and offsets are set through the CSSOM (React's style prop), which the CSP allows;
          a style attribute in markup would be refused. */}
      <ul className="queue-rows" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => {
          const isTask = row.index < order.length;
          const local = isTask ? undefined : localItems[row.index - order.length];
          return (
            <li
              key={row.key}
              className="queue-item"
              aria-setsize={count}
              aria-posinset={row.index + 1}
              style={{ transform: `translateY(${row.start}px)` }}
            >
              {isTask ? <TaskRow taskId={order[row.index]!} /> : local ? <LocalRow item={local} /> : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function QueueView() {
  const { t } = useTranslation('queue');
  const headingId = useId();
  return (
    <section className="view queue-view" aria-labelledby={headingId}>
      <h2 id={headingId} className="view-title">
        {t('title')}
      </h2>
      <AddPanel />
      <FolderPrompts />
      <QueueTotals />
      <QueueRows />
    </section>
  );
}
