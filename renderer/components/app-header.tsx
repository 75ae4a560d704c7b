import { useTranslation } from 'react-i18next';
import { AppNav } from './app-nav.tsx';

export function AppHeader() {
  const { t } = useTranslation('common');
  return (
    <header className="app-header">
      <h1 className="app-name">{t('appName')}</h1>
      <AppNav />
    </header>
  );
}
