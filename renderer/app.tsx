import { AppHeader } from './components/app-header.tsx';
import { DropPanel, DropZone } from './components/drop-zone.tsx';
import { HistoryList } from './components/history-list.tsx';
import { QueueList } from './components/queue-list.tsx';
import { StatusBanners } from './components/status-banners.tsx';

export function App() {
  return (
    <DropZone>
      <AppHeader />
      <main className="app-main">
        <StatusBanners />
        <DropPanel />
        <QueueList />
        <HistoryList />
      </main>
    </DropZone>
  );
}
