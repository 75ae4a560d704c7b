import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { AddPanel } from './add-panel.tsx';
import { QueueList } from './queue-list.tsx';
import { FolderPrompts } from './queue-prompts.tsx';
import { QueueTotals } from './queue-totals.tsx';

export function QueueView() {
  const { t } = useTranslation('queue');
  const headingId = useId();
  return (
    <section className="view queue-view" aria-labelledby={headingId}>
      <h2 id={headingId} className="view-title">
        {t('title')}
      </h2>
      {/* In a wide window the side column (adding, prompts, totals) stays beside the list. */}
      <div className="queue-layout">
        <div className="queue-side">
          <AddPanel />
          <FolderPrompts />
          <QueueTotals />
        </div>
        <div className="queue-main">
          <QueueList />
        </div>
      </div>
    </section>
  );
}
