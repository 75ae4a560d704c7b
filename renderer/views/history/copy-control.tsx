import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { copyFormatsFor, type CopyFormat } from '../../../shared/copy-formats/index.ts';
import type { HistoryEntryView } from '../../../shared/models.ts';

type CopyState = 'idle' | 'copied' | 'failed';
const feedbackMs = 1500;

/** The label of a format in the user's language; the catalog's English label when there is no translation. */
export function useFormatLabel(): (format: CopyFormat) => string {
  const { t } = useTranslation('history');
  return (format) => t(`formats.${format.id}`, { defaultValue: format.label });
}

/**
 * "Copy" in the default format (settings.linkFormat, or the link when that format does not apply to
 * this entry) and a "Copy as…" menu of every format that does apply. The menu is a popover: it lives in
 * the top layer, so the virtual list's clipping cannot cut it off, and it closes on Escape or outside clicks.
 */
export function CopyControl(props: {
  entry: HistoryEntryView;
  defaultFormatId: string;
  describedBy: string;
  compact?: boolean;
}) {
  const { t } = useTranslation('history');
  const formatLabel = useFormatLabel();
  const menuId = useId();
  const menuRef = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<CopyState>('idle');
  const formats = copyFormatsFor(props.entry);
  const preferred = formats.find((format) => format.id === props.defaultFormatId) ?? formats[0];

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), feedbackMs);
    return () => clearTimeout(timer);
  }, [state]);

  if (preferred === undefined) return null;

  const copy = async (format: CopyFormat) => {
    menuRef.current?.hidePopover();
    try {
      await navigator.clipboard.writeText(format.render(props.entry));
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  const label =
    state === 'copied' ? t('copy.copied') : state === 'failed' ? t('copy.failed') : t('copy.copy');
  return (
    <span className="copy-control">
      <button
        type="button"
        className={`button small${state === 'copied' ? ' is-copied' : ''}`}
        aria-describedby={props.describedBy}
        title={t('copy.as', { format: formatLabel(preferred) })}
        data-testid="copy-default"
        onClick={() => void copy(preferred)}
      >
        <span aria-live="polite">{label}</span>
      </button>
      <button
        type="button"
        className="button small copy-menu-button"
        popoverTarget={menuId}
        aria-haspopup="menu"
        aria-describedby={props.describedBy}
        aria-label={t('copy.menu')}
        title={t('copy.menu')}
        data-testid="copy-menu-button"
      >
        {props.compact ? '▾' : `${t('copy.menuShort')} ▾`}
      </button>
      <div
        ref={menuRef}
        id={menuId}
        popover="auto"
        role="menu"
        className="copy-menu"
        aria-label={t('copy.menu')}
      >
        {formats.map((format) => (
          <button
            key={format.id}
            type="button"
            role="menuitem"
            className="copy-menu-item"
            data-format={format.id}
            onClick={() => void copy(format)}
          >
            {formatLabel(format)}
            {format.id === preferred.id ? <span className="muted"> · {t('copy.default')}</span> : null}
          </button>
        ))}
      </div>
    </span>
  );
}
