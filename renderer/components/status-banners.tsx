import type { Notice } from '../../shared/contract.ts';
import { useTranslation } from 'react-i18next';
import { useAppActions, useAppState } from '../state/app-context.tsx';

/** Notices a setting fixes (another shortcut, another port): their banner leads to the settings. */
const settingsNotices: ReadonlySet<Notice['kind']> = new Set([
  'shortcut-unavailable',
  'local-api-unavailable',
]);

/** Says plainly when what is on screen may be stale, and what happened at start (notices). */
export function StatusBanners() {
  const { t } = useTranslation('common');
  const connection = useAppState((state) => state.connection);
  const loadError = useAppState((state) => state.loadError);
  const notices = useAppState((state) => state.notices);
  const view = useAppState((state) => state.view);
  const setView = useAppState((state) => state.setView);
  const { refresh, dismissNotice } = useAppActions();

  return (
    <>
      {notices.map((notice) => (
        <div key={notice.id} className="banner is-notice" role="status" data-testid="notice-banner">
          <p className="banner-text">
            {t(`notice.${notice.kind}`)}{' '}
            <span className="muted" lang="" translate="no" data-untranslated="">
              {notice.message}
            </span>
          </p>
          {settingsNotices.has(notice.kind) && view !== 'settings' ? (
            <button
              type="button"
              className="button small"
              data-testid="notice-open-settings"
              onClick={() => setView('settings')}
            >
              {t('notice.openSettings')}
            </button>
          ) : null}
          <button
            type="button"
            className="button small"
            aria-label={`${t('notice.dismiss')}: ${t(`notice.${notice.kind}`)}`}
            onClick={() => void dismissNotice(notice.id)}
          >
            {t('notice.dismiss')}
          </button>
        </div>
      ))}
      {connection === 'open' ? null : (
        <div className="banner" role="status" data-testid="connection-banner">
          {t('connection.lost')}
        </div>
      )}
      {loadError === null ? null : (
        <div className="banner is-error" role="alert">
          <span lang="" translate="no" data-untranslated="">
            {loadError}
          </span>
          <button type="button" className="button small" onClick={() => void refresh()}>
            {t('loadError.retry')}
          </button>
        </div>
      )}
    </>
  );
}
