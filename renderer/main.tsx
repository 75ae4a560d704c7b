import './zod-config.ts';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { connectApi } from './api/connect-api.ts';
import { App } from './app.tsx';
import { MissingToken } from './components/missing-token.tsx';
import { applyLanguage, createI18n } from './i18n/i18n.ts';
import { applyTheme } from './models/theme.ts';
import { createAppActions } from './state/app-actions.ts';
import { AppProvider } from './state/app-context.tsx';
import { createAppStore } from './state/app-store.ts';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root');
const root = createRoot(container);
// The system's language and theme until the settings arrive (and whenever they say "system").
const i18n = createI18n();
applyTheme(document.documentElement, 'system');

const connected = connectApi();
if (!connected.ok) {
  root.render(
    <I18nextProvider i18n={i18n}>
      <MissingToken />
    </I18nextProvider>,
  );
} else {
  const { api, intake, status, shell } = connected.connection;
  const store = createAppStore({ shell });
  const actions = createAppActions({ api, intake, status, store });
  // Language and theme follow the settings live, outside React: they belong to the whole document.
  store.subscribe((state, previous) => {
    if (state.settings === previous.settings || state.settings === null) return;
    applyLanguage(i18n, state.settings.language);
    applyTheme(document.documentElement, state.settings.theme);
  });
  // Started once for the page's lifetime, outside React, so StrictMode's double effects cannot double it.
  actions.start();
  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <AppProvider store={store} actions={actions} api={api}>
          <App />
        </AppProvider>
      </I18nextProvider>
    </StrictMode>,
  );
}
