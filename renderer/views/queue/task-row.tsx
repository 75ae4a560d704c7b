import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { escapeHidden } from '../../../shared/hidden-characters.ts';
import type { TaskView } from '../../../shared/models.ts';
import { ErrorText } from '../../components/error-text.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { FileNameText } from '../../components/file-name-text.tsx';
import { formatBytes } from '../../models/format-bytes.ts';
import { isWebUrl } from '../../models/history-list.ts';
import type { LocalItem } from '../../models/local-item.ts';
import { useAppActions, useAppState } from '../../state/app-context.tsx';
import { formatEta, formatSpeed, percent } from './progress-text.ts';

function Thumbnail(props: { task: TaskView }) {
  const { t } = useTranslation('queue');
  const { thumbnailUrl } = useAppActions();
  const key = useAppState((state) =>
    props.task.historyId === null ? undefined : state.thumbnails[props.task.historyId],
  );
  if (props.task.state !== 'done' || key === undefined) {
    return <span className="thumb is-empty" data-state={props.task.state} aria-hidden="true" />;
  }
  return (
    <img
      className="thumb"
      src={thumbnailUrl(key)}
      alt={t('row.preview', { name: escapeHidden(props.task.name) })}
      loading="lazy"
      data-testid="queue-thumbnail"
    />
  );
}

/** A finished upload's link, right where the file was dropped: usually all the user wanted. */
function DoneLink(props: { task: TaskView; nameId: string }) {
  const link = useAppState((state) =>
    props.task.historyId === null ? undefined : state.links[props.task.historyId],
  );
  if (link === undefined) return null;
  return (
    <span className="link-line">
      {isWebUrl(link) ? (
        <a
          className="link"
          data-testid="queue-link"
          href={link}
          target="_blank"
          rel="noopener noreferrer"
          translate="no"
        >
          {link}
        </a>
      ) : (
        <span className="link muted" translate="no">
          {link}
        </span>
      )}
      <CopyButton text={link} describedBy={props.nameId} />
    </span>
  );
}

function TaskButtons(props: { task: TaskView }) {
  const { t } = useTranslation('queue');
  const { taskCommand } = useAppActions();
  const { task } = props;
  const ids = [task.id];
  const button = (action: 'pause' | 'resume' | 'cancel' | 'retry') => (
    <button
      key={action}
      type="button"
      className={action === 'cancel' ? 'button subtle small' : 'button small'}
      data-action={action}
      aria-label={t(`actions.${action}File`, { name: escapeHidden(task.name) })}
      onClick={() => void taskCommand(`uploads.${action}`, ids)}
    >
      {t(`actions.${action}`)}
    </button>
  );
  switch (task.state) {
    case 'queued':
    case 'hashing':
    case 'uploading':
      return [button('pause'), button('cancel')];
    case 'paused':
      return [button('resume'), button('cancel')];
    case 'failed':
      return [button('retry'), button('cancel')];
    default:
      return null;
  }
}

/** One task. Subscribes to its own task, so a progress event re-renders this row and no other. */
export const TaskRow = memo(function TaskRow(props: { taskId: string }) {
  const { t } = useTranslation('queue');
  const task = useAppState((state) => state.tasks[props.taskId]);
  if (task === undefined) return null;
  const { size, error } = task;
  const moving = task.state === 'uploading' || task.state === 'hashing';
  const speed = task.state === 'uploading' ? formatSpeed(t, task.bytesPerSecond) : null;
  const eta = task.state === 'uploading' ? formatEta(t, task.etaSeconds) : null;
  const shownBytes = size === null ? task.transferredBytes : Math.min(task.transferredBytes, size);

  return (
    <div className="queue-row" data-testid="queue-row" data-state={task.state} data-task-id={task.id}>
      <Thumbnail task={task} />
      <div className="row-body">
        <div className="row-head">
          <span className="file-name" id={`name-${task.id}`} title={escapeHidden(task.path)} translate="no">
            <FileNameText name={task.name} />
          </span>
          <span className="file-size">{size === null ? '' : formatBytes(size)}</span>
        </div>
        {/* Without a size there is nothing to measure against: an indeterminate bar says "working". */}
        {size === null && moving ? (
          <progress aria-label={t('row.progress', { name: escapeHidden(task.name) })} />
        ) : (
          <progress
            aria-label={t('row.progress', { name: escapeHidden(task.name) })}
            value={task.state === 'done' ? 1 : size === null ? 0 : shownBytes}
            max={task.state === 'done' ? 1 : Math.max(size ?? 1, 1)}
          />
        )}
        <div className="row-status">
          <span className="state-text">
            {t(`state.${task.state}`)}
            {size !== null && (moving || task.state === 'paused') ? ` · ${percent(shownBytes, size)}%` : null}
          </span>
          {size !== null && moving ? (
            <span className="bytes-text">
              {formatBytes(shownBytes)} / {formatBytes(size)}
            </span>
          ) : null}
          {speed === null ? null : <span className="speed-text">{speed}</span>}
          {eta === null ? null : <span className="eta-text">{eta}</span>}
          {task.state === 'done' ? <DoneLink task={task} nameId={`name-${task.id}`} /> : null}
          {task.state === 'failed' && error !== null ? (
            <ErrorText error={error} className="row-error is-inline" />
          ) : null}
        </div>
      </div>
      <div className="row-actions">
        <TaskButtons task={task} />
      </div>
    </div>
  );
});

/** A file the main side has not got yet (staging) or never will (refused before it got there). */
export const LocalRow = memo(function LocalRow(props: { item: LocalItem }) {
  const { t } = useTranslation('queue');
  const { dismissLocalItem } = useAppActions();
  const { item } = props;
  return (
    <div className="queue-row" data-testid="queue-row" data-state={item.state} data-local="true">
      <span className="thumb is-empty" data-state={item.state} aria-hidden="true" />
      <div className="row-body">
        <div className="row-head">
          <span className="file-name" translate="no">
            <FileNameText name={item.name} />
          </span>
          <span className="file-size">{item.size === null ? '' : formatBytes(item.size)}</span>
        </div>
        {item.state === 'staging' ? (
          <progress aria-label={t('row.progress', { name: escapeHidden(item.name) })} />
        ) : null}
        <div className="row-status">
          <span className="state-text">
            {item.state === 'staging' ? t('state.staging') : t('state.failed')}
          </span>
          {item.error !== null ? <ErrorText error={item.error} className="row-error is-inline" /> : null}
          {item.reason !== null ? (
            <p className="row-error is-inline">
              <span className="error-message">{t(item.reason.key, item.reason.values ?? {})}</span>
            </p>
          ) : null}
        </div>
      </div>
      <div className="row-actions">
        {item.state === 'failed' ? (
          <button
            type="button"
            className="button subtle small"
            aria-label={t('actions.dismissFile', { name: escapeHidden(item.name) })}
            onClick={() => dismissLocalItem(item.id)}
          >
            {t('actions.dismiss')}
          </button>
        ) : null}
      </div>
    </div>
  );
});
