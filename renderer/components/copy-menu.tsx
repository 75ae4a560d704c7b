import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { copyFormatsForAll, preferredFormat, renderAll } from '../../shared/copy-formats/copy-many.ts';
import type { CopyFormat } from '../../shared/copy-formats/index.ts';
import type { HistoryEntryView } from '../../shared/models.ts';
import { Icon, SwapLabel } from './icons.tsx';

type CopyState = 'idle' | 'copied' | 'failed';
const feedbackMs = 1500;

/** The label of a format in the user's language; the catalog's English label when there is no translation. */
export function useFormatLabel(): (format: CopyFormat) => string {
  const { t } = useTranslation('common');
  return (format) => t(`formats.${format.id}`, { defaultValue: format.label });
}

/** Writes text to the clipboard and says how it went for a moment ("Copied", "Copy failed"). */
export function useCopyFeedback(): { state: CopyState; copy: (text: string) => Promise<void> } {
  const [state, setState] = useState<CopyState>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), feedbackMs);
    return () => clearTimeout(timer);
  }, [state]);
  return {
    state,
    copy: async (text) => {
      try {
        await navigator.clipboard.writeText(text);
        setState('copied');
      } catch {
        setState('failed');
      }
    },
  };
}

/**
 * The WAI-ARIA menu button's keys: on the button, ArrowDown/Enter/Space open the menu on its first
 * item and ArrowUp on its last; in the menu, the arrows move (wrapping), Home/End jump, a letter goes
 * to the next item starting with it, Escape closes it and gives the focus back to the button, Tab
 * closes it and moves on.
 */
function useMenuKeys(menu: RefObject<HTMLDivElement | null>, button: RefObject<HTMLButtonElement | null>) {
  const focusOnOpen = useRef<'first' | 'last'>('first');
  const items = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    const element = menu.current;
    if (element === null) return;
    const onToggle = (event: Event) => {
      if ((event as ToggleEvent).newState !== 'open') return;
      const all = items();
      (focusOnOpen.current === 'last' ? all.at(-1) : all[0])?.focus();
      focusOnOpen.current = 'first';
    };
    element.addEventListener('toggle', onToggle);
    return () => element.removeEventListener('toggle', onToggle);
  });

  const onButtonKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    focusOnOpen.current = event.key === 'ArrowUp' ? 'last' : 'first';
    if (menu.current?.matches(':popover-open')) {
      const all = items();
      (event.key === 'ArrowUp' ? all.at(-1) : all[0])?.focus();
    } else {
      menu.current?.showPopover({ source: button.current ?? undefined });
    }
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const all = items();
    const index = all.indexOf(document.activeElement as HTMLElement);
    let next: HTMLElement | undefined;
    if (event.key === 'ArrowDown') next = all[(index + 1) % all.length];
    else if (event.key === 'ArrowUp') next = all[(index - 1 + all.length) % all.length];
    else if (event.key === 'Home') next = all[0];
    else if (event.key === 'End') next = all.at(-1);
    else if (event.key === 'Escape') {
      event.preventDefault();
      menu.current?.hidePopover();
      button.current?.focus();
      return;
    } else if (event.key === 'Tab') {
      menu.current?.hidePopover();
      return;
    } else if (event.key.length === 1 && /\S/.test(event.key)) {
      const letter = event.key.toLocaleLowerCase();
      const order = [...all.slice(index + 1), ...all.slice(0, index + 1)];
      next = order.find((item) => item.textContent?.trim().toLocaleLowerCase().startsWith(letter));
    } else return;
    event.preventDefault();
    next?.focus();
  };

  return { onButtonKeyDown, onMenuKeyDown };
}

/**
 * "Copy" in the default format (settings.linkFormat, or the link when that format does not apply) and
 * a "Copy as…" menu of every format that applies. With several entries (a batch, a selection) each is
 * copied on a line of its own, in the order given, and only formats that apply to all are offered.
 * The menu is a popover in the top layer, so a virtual list's clipping cannot cut it off.
 */
export function CopyMenu(props: {
  entries: readonly HistoryEntryView[];
  defaultFormatId: string;
  /** What is copied, for a screen reader: the file name of a row, or the batch. */
  describedBy?: string;
  /** The button's text; "Copy" when not given. */
  label?: string;
  /** Short labels and no icon but the menu's (a narrow grid tile). */
  compact?: boolean;
  /** Not reachable by Tab (a history card under roving focus); still clickable. */
  tabIndex?: number;
  testIdPrefix?: string;
}) {
  const { t } = useTranslation('common');
  const formatLabel = useFormatLabel();
  const menuId = useId();
  const menuRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const { state, copy } = useCopyFeedback();
  const keys = useMenuKeys(menuRef, buttonRef);
  // Per entry and format: worth keeping while the same entries re-render (a batch's "Copy all").
  const formats = useMemo(() => copyFormatsForAll(props.entries), [props.entries]);
  const preferred = preferredFormat(formats, props.defaultFormatId);
  const prefix = props.testIdPrefix ?? 'copy';
  if (preferred === undefined) return null;

  const copyAs = (format: CopyFormat) => {
    menuRef.current?.hidePopover();
    void copy(renderAll(format, props.entries));
  };

  return (
    <span className="copy-control">
      <button
        type="button"
        className={`button small${state === 'copied' ? ' is-copied' : ''}`}
        aria-describedby={props.describedBy}
        title={t('copy.as', { format: formatLabel(preferred) })}
        tabIndex={props.tabIndex}
        data-testid={`${prefix}-default`}
        data-format={preferred.id}
        onClick={() => copyAs(preferred)}
      >
        {props.compact ? null : <Icon name={state === 'copied' ? 'check' : 'copy'} size={14} />}
        <SwapLabel
          texts={{
            idle: props.label ?? t('copy.copy'),
            copied: t('copy.copied'),
            failed: t('copy.failedShort'),
          }}
          current={state}
        />
      </button>
      <span className="visually-hidden" role="status">
        {state === 'copied' ? t('copy.copied') : state === 'failed' ? t('copy.failed') : ''}
      </span>
      <button
        ref={buttonRef}
        type="button"
        className="button small copy-menu-button"
        popoverTarget={menuId}
        aria-haspopup="menu"
        aria-controls={menuId}
        aria-describedby={props.describedBy}
        aria-label={t('copy.menu')}
        title={t('copy.menu')}
        tabIndex={props.tabIndex}
        data-testid={`${prefix}-menu-button`}
        onKeyDown={keys.onButtonKeyDown}
      >
        {props.compact ? null : <span className="copy-menu-short">{t('copy.menuShort')}</span>}
        <Icon name="chevronDown" size={14} />
      </button>
      <div
        ref={menuRef}
        id={menuId}
        popover="auto"
        role="menu"
        className="copy-menu"
        aria-label={t('copy.menu')}
        onKeyDown={keys.onMenuKeyDown}
      >
        {formats.map((format) => (
          <button
            key={format.id}
            type="button"
            role="menuitem"
            tabIndex={-1}
            className="copy-menu-item"
            data-format={format.id}
            onClick={() => copyAs(format)}
          >
            {formatLabel(format)}
            {format.id === preferred.id ? <span className="muted"> · {t('copy.default')}</span> : null}
          </button>
        ))}
      </div>
    </span>
  );
}
