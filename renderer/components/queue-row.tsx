import type { TaskState, TaskView } from '../../shared/models.ts';
import { formatBytes } from '../models/format-bytes.ts';
import type { LocalItem } from '../models/local-item.ts';

const stateLabels: Record<TaskState, string> = {
  queued: 'Waiting',
  hashing: 'Preparing',
  uploading: 'Uploading',
  paused: 'Paused',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

function percent(done: number, total: number): number {
  return total === 0 ? 0 : Math.min(100, Math.floor((done / total) * 100));
}

export function TaskRow(props: { task: TaskView }) {
  const { task } = props;
  const { size, error } = task;
  const showsBytes = task.state === 'uploading' && size !== null;
  // Without a size there is nothing to measure against: an indeterminate bar says "working" honestly.
  const progress =
    size === null ? (
      <progress aria-label={`Progress of ${task.name}`} />
    ) : (
      <progress
        aria-label={`Progress of ${task.name}`}
        value={Math.min(task.transferredBytes, size)}
        max={Math.max(size, 1)}
      />
    );

  return (
    <li className="queue-row" data-testid="queue-row" data-state={task.state}>
      <div className="row-head">
        <span className="file-name" title={task.path}>
          {task.name}
        </span>
        <span className="file-size">{size === null ? '' : formatBytes(size)}</span>
      </div>
      {progress}
      <div className="row-status">
        <span className="state-text">
          {stateLabels[task.state]}
          {showsBytes ? ` · ${percent(task.transferredBytes, size)}%` : null}
        </span>
        {showsBytes ? (
          <span className="bytes-text">
            {formatBytes(task.transferredBytes)} of {formatBytes(size)}
          </span>
        ) : null}
      </div>
      {task.state === 'failed' && error !== null ? (
        <p className="row-error">
          <span className="error-message">{error.message}</span>
          {error.providerMessage ? <span className="provider-message">{error.providerMessage}</span> : null}
        </p>
      ) : null}
    </li>
  );
}

/** A file the main side has not got yet (staging) or never will (refused before it got there). */
export function LocalRow(props: { item: LocalItem; onDismiss: (id: string) => void }) {
  const { item, onDismiss } = props;
  return (
    <li className="queue-row" data-testid="queue-row" data-state={item.state} data-local="true">
      <div className="row-head">
        <span className="file-name">{item.name}</span>
        <span className="file-size">{item.size === null ? '' : formatBytes(item.size)}</span>
      </div>
      {item.state === 'staging' ? <progress aria-label={`Progress of ${item.name}`} /> : null}
      <div className="row-status">
        <span className="state-text">{item.state === 'staging' ? 'Handing over to Ferry…' : 'Failed'}</span>
        {item.state === 'failed' ? (
          <button
            type="button"
            className="button subtle small"
            aria-label={`Dismiss ${item.name}`}
            onClick={() => onDismiss(item.id)}
          >
            Dismiss
          </button>
        ) : null}
      </div>
      {item.message !== null ? (
        <p className="row-error">
          <span className="error-message">{item.message}</span>
        </p>
      ) : null}
    </li>
  );
}
