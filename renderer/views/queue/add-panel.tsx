import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { AccountPicker } from '../../components/account-picker.tsx';
import { itemsFromFileList, itemsFromFolderPicker } from '../../models/dropped-item.ts';
import { useAppActions } from '../../state/app-context.tsx';
import { DropOptionsToggles } from './drop-options-toggles.tsx';

/** The keyboard path to what a drop or paste does, and where the drop goes. */
export function AddPanel() {
  const { t } = useTranslation('queue');
  const { addItems } = useAppActions();
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);

  return (
    <section className="drop-panel" aria-label={t('add.label')}>
      <div className="drop-text">
        <p className="drop-title">{t('add.title')}</p>
        <p className="drop-hint">{t('add.hint')}</p>
      </div>
      <AccountPicker label={t('add.account')} />
      <DropOptionsToggles />
      <div className="drop-buttons">
        <button type="button" className="button primary" onClick={() => files.current?.click()}>
          {t('add.chooseFiles')}
        </button>
        <button type="button" className="button" onClick={() => folder.current?.click()}>
          {t('add.chooseFolder')}
        </button>
      </div>
      <input
        ref={files}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(event) => {
          void addItems(itemsFromFileList(event.target.files));
          // Cleared so that picking the same file again still fires a change.
          event.target.value = '';
        }}
      />
      <input
        ref={(element) => {
          folder.current = element;
          // Not in React's attribute list; the standard-track name is `webkitdirectory` in every engine.
          element?.setAttribute('webkitdirectory', '');
        }}
        type="file"
        hidden
        data-testid="folder-input"
        onChange={(event) => {
          void addItems(itemsFromFolderPicker(event.target.files));
          event.target.value = '';
        }}
      />
    </section>
  );
}
