import { useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppState } from '../state/app-context.tsx';
import { viewIds, type ViewId } from '../state/app-store.ts';

const navKeys = {
  queue: 'nav.queue',
  history: 'nav.history',
  accounts: 'nav.accounts',
  settings: 'nav.settings',
} as const satisfies Record<ViewId, string>;

/**
 * The sections as a list of buttons: Tab reaches each, Enter/Space opens it, and the arrow keys
 * move between them as in any toolbar. aria-current tells a screen reader which one is open.
 */
export function AppNav() {
  const { t } = useTranslation('common');
  const view = useAppState((state) => state.view);
  const setView = useAppState((state) => state.setView);
  const buttons = useRef<Partial<Record<ViewId, HTMLButtonElement | null>>>({});

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const step =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? 1
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? -1
          : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = viewIds[(index + step + viewIds.length) % viewIds.length]!;
    buttons.current[next]?.focus();
  };

  return (
    <nav className="app-nav" aria-label={t('nav.label')}>
      <ul>
        {viewIds.map((id, index) => (
          <li key={id}>
            <button
              ref={(element) => {
                buttons.current[id] = element;
              }}
              type="button"
              className="nav-button"
              data-view={id}
              aria-current={view === id ? 'page' : undefined}
              onClick={() => setView(id)}
              onKeyDown={(event) => onKeyDown(event, index)}
            >
              {t(navKeys[id])}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
