import { useId, useMemo } from 'react';
import { queuedTasks } from '../models/task-list.ts';
import { useAppActions, useAppState } from '../state/app-context.tsx';
import { LocalRow, TaskRow } from './queue-row.tsx';

export function QueueList() {
  const headingId = useId();
  const tasks = useAppState((state) => state.tasks);
  const localItems = useAppState((state) => state.localItems);
  const { dismissLocalItem } = useAppActions();
  const queued = useMemo(() => queuedTasks(tasks), [tasks]);
  const empty = queued.length === 0 && localItems.length === 0;

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId} className="panel-title">
        Queue
        {empty ? null : <span className="count">{queued.length + localItems.length}</span>}
      </h2>
      {empty ? (
        <p className="empty">Nothing is uploading.</p>
      ) : (
        <ul className="rows" data-testid="queue-list">
          {queued.map((task) => (
            <TaskRow key={task.id} task={task} />
          ))}
          {localItems.map((item) => (
            <LocalRow key={item.id} item={item} onDismiss={dismissLocalItem} />
          ))}
        </ul>
      )}
    </section>
  );
}
