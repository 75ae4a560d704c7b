import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useUploadOriginals } from '../../state/upload-originals.ts';

/** The switch beside where files are added: the files added while it is on are sent as they are. */
export function UploadOriginalsToggle() {
  const { t } = useTranslation('processing');
  const helpId = useId();
  const { on, set } = useUploadOriginals();
  return (
    <div className="upload-originals">
      <label className="account-checkbox">
        <input
          type="checkbox"
          checked={on}
          aria-describedby={helpId}
          data-testid="upload-originals"
          onChange={(event) => set(event.target.checked)}
        />
        {t('uploadOriginals')}
      </label>
      <p id={helpId} className="drop-hint">
        {t('uploadOriginalsHelp')}
      </p>
    </div>
  );
}
