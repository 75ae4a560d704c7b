import { useTranslation } from 'react-i18next';

/** The web shell refuses every request without its per-run token, so say how to get one. */
export function MissingToken() {
  const { t } = useTranslation('common');
  return (
    <main className="missing-token">
      <h1 className="app-name">{t('appName')}</h1>
      <p>
        {t('missingToken.before')} <code>npm run web</code> {t('missingToken.after')}
      </p>
    </main>
  );
}
