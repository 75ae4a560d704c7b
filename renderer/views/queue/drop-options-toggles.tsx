import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useDropOptions } from '../../state/drop-options.ts';
import './drop-options.css';

/** The switches beside where files are added: they apply to the files added while they are on. */
export function DropOptionsToggles() {
  const { t } = useTranslation('processing');
  const baseId = useId();
  const { originals, again, set } = useDropOptions();
  const toggle = (key: 'originals' | 'again', label: string, help: string, testId: string) => (
    <label className="account-checkbox" title={help}>
      <input
        type="checkbox"
        checked={key === 'originals' ? originals : again}
        aria-describedby={`${baseId}-${key}`}
        data-testid={testId}
        onChange={(event) => set({ [key]: event.target.checked })}
      />
      {label}
      <span id={`${baseId}-${key}`} className="visually-hidden">
        {help}
      </span>
    </label>
  );
  return (
    <div className="drop-options">
      {toggle('originals', t('uploadOriginals'), t('uploadOriginalsHelp'), 'upload-originals')}
      {toggle('again', t('uploadAgain'), t('uploadAgainHelp'), 'upload-again')}
    </div>
  );
}
