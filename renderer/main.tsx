import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApi } from './api/connect-api.ts';
import { App } from './app.tsx';
import { MissingToken } from './components/missing-token.tsx';
import { createAppActions } from './state/app-actions.ts';
import { AppProvider } from './state/app-context.tsx';
import { createAppStore } from './state/app-store.ts';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root');
const root = createRoot(container);

const connected = connectApi();
if (!connected.ok) {
  root.render(<MissingToken />);
} else {
  const { api, intake, status } = connected.connection;
  // Starts as 'open': the first connect is not news; only a later drop deserves a banner.
  const store = createAppStore();
  const actions = createAppActions({ api, intake, status, store });
  // Started once for the page's lifetime, outside React, so StrictMode's double effects cannot double it.
  actions.start();
  root.render(
    <StrictMode>
      <AppProvider store={store} actions={actions}>
        <App />
      </AppProvider>
    </StrictMode>,
  );
}
