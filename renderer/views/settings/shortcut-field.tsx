import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { acceleratorIssue, defaultClipboardShortcut } from '../../../shared/accelerator.ts';
import { Icon } from '../../components/icons.tsx';
import { isMacPlatform, recordKeyPress } from '../../models/shortcut-keys.ts';
import { useAppState } from '../../state/app-context.tsx';

/**
 * The clipboard shortcut: typed in Electron's syntax (checked as it is typed, saved on Enter or when
 * the field is left) or recorded from a key press. Empty turns it off. When the desktop app could not
 * register it (another app holds it), the field says so: the notice of kind 'shortcut-unavailable'.
 */
export function ShortcutField(props: { value: string; onCommit: (value: string) => void }) {
  const { t } = useTranslation('settings');
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [recording, setRecording] = useState<string | null>(null);
  const unavailable = useAppState((state) =>
    state.notices.some((notice) => notice.kind === 'shortcut-unavailable'),
  );
  const text = draft ?? props.value;
  const issue = text === '' ? null : acceleratorIssue(text);
  const problem =
    issue === null ? null : t(`shortcutIssues.${issue.code}`, { name: 'name' in issue ? issue.name : '' });

  const commit = (value: string) => {
    if (value !== '' && acceleratorIssue(value) !== null) return;
    setDraft(null);
    if (value !== props.value) props.onCommit(value);
  };
  const stopRecording = () => setRecording(null);

  const status =
    problem !== null ? (
      <p className="field-hint is-error" id={`${id}-status`} role="alert" data-testid="shortcut-problem">
        {t('behaviour.shortcutNotSaved', { reason: problem })}
      </p>
    ) : draft === null && props.value === '' ? (
      <p className="field-hint" id={`${id}-status`} data-testid="shortcut-off">
        {t('behaviour.shortcutOff')}
      </p>
    ) : draft === null && unavailable ? (
      <p className="field-hint is-warning" id={`${id}-status`} data-testid="shortcut-unavailable">
        <Icon name="warning" size={14} /> {t('behaviour.shortcutUnavailable', { shortcut: props.value })}
      </p>
    ) : null;

  return (
    <div className="field shortcut-field" data-testid="shortcut-field">
      <label htmlFor={id}>{t('behaviour.clipboardShortcut')}</label>
      <div className="shortcut-line">
        <input
          ref={inputRef}
          id={id}
          type="text"
          className="shortcut-value"
          translate="no"
          spellCheck={false}
          autoComplete="off"
          aria-describedby={status === null ? `${id}-hint` : `${id}-hint ${id}-status`}
          aria-invalid={problem !== null}
          readOnly={recording !== null}
          placeholder={recording !== null ? t('behaviour.recording') : ''}
          value={recording ?? text}
          onChange={(event) => setDraft(event.target.value.trim())}
          onBlur={() => {
            stopRecording();
            commit(text);
          }}
          onKeyDown={(event) => {
            if (recording === null) {
              if (event.key === 'Enter') commit(text);
              return;
            }
            // Tab still leaves the field; Escape gives up recording.
            if (event.key === 'Tab') return;
            event.preventDefault();
            if (event.key === 'Escape' && !event.ctrlKey && !event.altKey && !event.metaKey) {
              stopRecording();
              return;
            }
            const pressed = recordKeyPress(event.nativeEvent, isMacPlatform());
            if (pressed === null) return;
            if (pressed.kind === 'partial') {
              setRecording(pressed.modifiers === '' ? '' : `${pressed.modifiers}+`);
              return;
            }
            stopRecording();
            setDraft(pressed.accelerator);
            commit(pressed.accelerator);
          }}
        />
        <button
          type="button"
          className="button small"
          aria-pressed={recording !== null}
          data-testid="shortcut-record"
          // The field keeps the focus, so a second click stops recording instead of blurring first.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => {
            setRecording((current) => (current === null ? '' : null));
            inputRef.current?.focus();
          }}
        >
          {t('behaviour.record')}
        </button>
        {props.value === defaultClipboardShortcut && draft === null ? null : (
          <button
            type="button"
            className="button small subtle"
            data-testid="shortcut-default"
            onClick={() => commit(defaultClipboardShortcut)}
          >
            {t('behaviour.useDefault')}
          </button>
        )}
      </div>
      <p className="field-hint" id={`${id}-hint`}>
        {t('behaviour.clipboardShortcutHint')}{' '}
        <span translate="no">{t('behaviour.defaultShortcut', { shortcut: defaultClipboardShortcut })}</span>
      </p>
      {status}
    </div>
  );
}
