import { useTranslation } from 'react-i18next';
import { useAppActions, useAppState } from '../../state/app-context.tsx';

/** "N files in folder X — upload?": a folder can hold far more than the user remembers. */
export function FolderPrompts() {
  const { t } = useTranslation('queue');
  const prompts = useAppState((state) => state.folderPrompts);
  const { confirmFolder, cancelFolder } = useAppActions();
  if (prompts.length === 0) return null;
  return (
    <div className="folder-prompts">
      {prompts.map((prompt) => {
        const count = prompt.files?.length ?? null;
        return (
          <div
            key={prompt.id}
            className="banner is-question"
            role="alertdialog"
            aria-labelledby={`${prompt.id}-text`}
            data-testid="folder-prompt"
          >
            <p className="banner-text" id={`${prompt.id}-text`}>
              {count === null
                ? t('folder.counting', { folder: prompt.folderName })
                : count === 0
                  ? t('folder.empty', { folder: prompt.folderName })
                  : t('folder.confirm', { count, folder: prompt.folderName })}
            </p>
            <div className="banner-actions">
              {count === null || count === 0 ? null : (
                <button
                  type="button"
                  className="button primary small"
                  onClick={() => void confirmFolder(prompt.id)}
                >
                  {t('folder.upload')}
                </button>
              )}
              <button type="button" className="button small" onClick={() => cancelFolder(prompt.id)}>
                {t('folder.cancel')}
              </button>
            </div>
          </div>
        );
      })}
    </div>
  );
}
