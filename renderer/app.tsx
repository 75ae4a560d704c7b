import { AppHeader } from './components/app-header.tsx';
import { BatchToasts } from './components/batch-toasts.tsx';
import { DropQuestions } from './components/drop-questions.tsx';
import { DropZone } from './components/drop-zone.tsx';
import { StatusBanners } from './components/status-banners.tsx';
import { useAppState } from './state/app-context.tsx';
import { AccountsView } from './views/accounts/accounts-view.tsx';
import { HistoryView } from './views/history/history-view.tsx';
import { QueueView } from './views/queue/queue-view.tsx';
import { SettingsView } from './views/settings/settings-view.tsx';

function CurrentView() {
  const view = useAppState((state) => state.view);
  switch (view) {
    case 'queue':
      return <QueueView />;
    case 'history':
      return <HistoryView />;
    case 'accounts':
      return <AccountsView />;
    case 'settings':
      return <SettingsView />;
  }
}

export function App() {
  const hasToasts = useAppState((state) => state.toasts.length > 0);
  return (
    <DropZone>
      <AppHeader />
      <main className={hasToasts ? 'app-main has-toasts' : 'app-main'}>
        <StatusBanners />
        <DropQuestions />
        <CurrentView />
      </main>
      <BatchToasts />
    </DropZone>
  );
}
