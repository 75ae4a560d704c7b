import { useAppActions, useAppState } from '../state/app-context.tsx';

/** Says plainly when what is on screen may be stale, instead of silently showing old progress. */
export function StatusBanners() {
  const connection = useAppState((state) => state.connection);
  const loadError = useAppState((state) => state.loadError);
  const { refresh } = useAppActions();

  return (
    <>
      {connection === 'open' ? null : (
        <div className="banner" role="status" data-testid="connection-banner">
          Lost the connection to Ferry. Reconnecting…
        </div>
      )}
      {loadError === null ? null : (
        <div className="banner is-error" role="alert">
          <span>{loadError}</span>
          <button type="button" className="button small" onClick={() => void refresh()}>
            Try again
          </button>
        </div>
      )}
    </>
  );
}
