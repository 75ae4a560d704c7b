import { useId } from 'react';
import { useAppActions, useAppState } from '../state/app-context.tsx';
import { HistoryRow } from './history-row.tsx';

export function HistoryList() {
  const headingId = useId();
  const history = useAppState((state) => state.history);
  const historyCursor = useAppState((state) => state.historyCursor);
  const { loadMoreHistory } = useAppActions();

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId} className="panel-title">
        History
      </h2>
      {history.length === 0 ? (
        <p className="empty">Finished uploads appear here, with their links.</p>
      ) : (
        <ul className="rows" data-testid="history-list">
          {history.map((entry) => (
            <HistoryRow key={entry.id} entry={entry} />
          ))}
        </ul>
      )}
      {historyCursor === null ? null : (
        <button type="button" className="button subtle load-more" onClick={() => void loadMoreHistory()}>
          Show older uploads
        </button>
      )}
    </section>
  );
}
