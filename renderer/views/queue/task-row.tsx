import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorCode, ErrorView } from '../../../shared/errors.ts';
import { escapeHidden } from '../../../shared/hidden-characters.ts';
import type { HistoryEntryView, TaskView } from '../../../shared/models.ts';
import { ErrorText } from '../../components/error-text.tsx';
import { CopyMenu } from '../../components/copy-menu.tsx';
import { FileNameText } from '../../components/file-name-text.tsx';
import { Icon } from '../../components/icons.tsx';
import { formatBytes } from '../../models/format-bytes.ts';
import { isWebUrl, primaryLink } from '../../models/history-list.ts';
import type { LocalItem } from '../../models/local-item.ts';
import { useAppActions, useAppState } from '../../state/app-context.tsx';
import { formatEta, formatSpeed, percent } from './progress-text.ts';

function Thumbnail(props: { task: TaskView }) {
  const { t } = useTranslation('queue');
  const { thumbnailUrl } = useAppActions();
  const key = useAppState((state) =>
    props.task.historyId === null ? undefined : state.entries[props.task.historyId]?.thumbnailKey,
  );
  if (props.task.state !== 'done' || key === undefined) {
    return (
      <span className="thumb is-empty" data-state={props.task.state} aria-hidden="true">
        {props.task.state === 'done' ? <Icon name="check" size={20} /> : null}
      </span>
    );
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
function DoneLink(props: { entry: HistoryEntryView }) {
  const link = primaryLink(props.entry)?.url;
  if (link === undefined) return null;
  return isWebUrl(link) ? (
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
  );
}

/** Failures the account's settings can cause, and so the account's form can fix. */
const accountErrors: ReadonlySet<ErrorCode> = new Set([
  'credentials-rejected',
  'credentials-unreadable',
  'account-invalid',
  'provider-rejected',
  'http-status',
]);

/** "to <account>": which account refused, so the user knows what to fix. */
function AccountName(props: { accountId: string }) {
  const { t } = useTranslation('queue');
  const name = useAppState((state) => state.accounts.find((account) => account.id === props.accountId)?.name);
  if (name === undefined) return null;
  return (
    <span className="row-account" data-testid="row-account">
      {t('row.account')} <span translate="no">{name}</span>
    </span>
  );
}

/** The whole failure, not cut off: one line until "More" opens it to as many lines as it takes. */
function FailureText(props: { error: ErrorView; taskId: string }) {
  const { t } = useTranslation('queue');
  const [open, setOpen] = useState(false);
  const id = `failure-${props.taskId}`;
  return (
    <div className="row-failure" data-open={open ? '' : undefined}>
      <div id={id} className="row-failure-text">
        <ErrorText error={props.error} className="row-error" />
      </div>
      <button
        type="button"
        className="button subtle small row-failure-toggle"
        aria-expanded={open}
        aria-controls={id}
        data-testid="row-failure-toggle"
        onClick={() => setOpen((current) => !current)}
      >
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={14} />
        {open ? t('row.less') : t('row.more')}
      </button>
    </div>
  );
}

/** Next to Retry on a failure the account can cause: its form, to fix what the provider refused. */
function EditAccountButton(props: { task: TaskView }) {
  const { t } = useTranslation('queue');
  const account = useAppState((state) => state.accounts.find((entry) => entry.id === props.task.accountId));
  const requestAccountEdit = useAppState((state) => state.requestAccountEdit);
  const code = props.task.error?.code;
  if (account === undefined || account.isSandbox || code === undefined || !accountErrors.has(code))
    return null;
  return (
    <button
      type="button"
      className="button small"
      data-action="edit-account"
      aria-label={t('actions.editAccountOf', { name: account.name })}
      onClick={() => requestAccountEdit(account.id)}
    >
      <Icon name="edit" size={14} />
      {t('actions.editAccount')}
    </button>
  );
}

function TaskButtons(props: { task: TaskView; entry: HistoryEntryView | undefined }) {
  const { t } = useTranslation('queue');
  const { taskCommand } = useAppActions();
  const linkFormat = useAppState((state) => state.settings?.linkFormat ?? 'url');
  const { task, entry } = props;
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
      return [button('retry'), <EditAccountButton key="edit" task={task} />, button('cancel')];
    case 'done':
      return entry === undefined ? null : (
        <CopyMenu entries={[entry]} defaultFormatId={linkFormat} describedBy={`name-${task.id}`} />
      );
    default:
      return null;
  }
}

/** One task. Subscribes to its own task, so a progress event re-renders this row and no other. */
export const TaskRow = memo(function TaskRow(props: { taskId: string }) {
  const { t } = useTranslation('queue');
  const task = useAppState((state) => state.tasks[props.taskId]);
  const entry = useAppState((state) => (task?.historyId == null ? undefined : state.entries[task.historyId]));
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
          {task.state === 'done' && entry !== undefined ? <DoneLink entry={entry} /> : null}
          {task.state === 'failed' ? <AccountName accountId={task.accountId} /> : null}
        </div>
        {task.state === 'failed' && error !== null ? <FailureText error={error} taskId={task.id} /> : null}
      </div>
      <div className="row-actions">
        <TaskButtons task={task} entry={entry} />
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
