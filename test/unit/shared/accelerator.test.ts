import { describe, expect, it } from 'vitest';
import {
  acceleratorIssue,
  acceleratorIssueCodes,
  acceleratorProblem,
  defaultClipboardShortcut,
  isValidAccelerator,
} from '../../../shared/accelerator.ts';
import { defaultSettings, settingsPatchSchema } from '../../../shared/settings.ts';

describe('global shortcut syntax (Electron accelerators)', () => {
  it.each([
    'CommandOrControl+Alt+Shift+U',
    'CmdOrCtrl+Shift+P',
    'Ctrl+Alt+Plus',
    'Alt+F4',
    'Super+Space',
    'Command+Option+`',
    'ctrl+shift+num5',
    'F13',
    'MediaPlayPause',
    'Shift+F9',
    'Control+/',
  ])('accepts %s', (accelerator) => {
    expect(acceleratorProblem(accelerator)).toBeNull();
  });

  it.each([
    ['', /Empty/],
    ['Ctrl + U', /No spaces/],
    ['Ctrl++', /Plus/],
    ['Ctrl+U+I', /Only one key/],
    ['Hyper+U', /not a modifier/],
    ['Ctrl+Shift', /Add a key/],
    ['Ctrl+Banana', /not a key/],
    ['Cmd+Command+U', /twice/],
    ['Ctrl+Control+U', /twice/],
    ['U', /without one/],
    ['Shift+U', /without one/],
    ['F25', /not a key/],
  ])('refuses %j, saying why', (accelerator, reason) => {
    expect(acceleratorProblem(accelerator)).toMatch(reason);
    expect(isValidAccelerator(accelerator)).toBe(false);
  });

  it('names each problem with a code a window can translate, and the offending name', () => {
    expect(acceleratorIssue('Hyper+U')).toEqual({ code: 'not-modifier', name: 'hyper' });
    expect(acceleratorIssue('Ctrl+Banana')).toEqual({ code: 'unknown-key', name: 'Banana' });
    const seen = [
      '',
      'Ctrl + U',
      'Ctrl++',
      'Ctrl+U+I',
      'Hyper+U',
      'Ctrl+Shift',
      'Ctrl+Banana',
      'Cmd+Cmd+U',
      'U',
    ].map((text) => acceleratorIssue(text)?.code);
    expect(new Set(seen)).toEqual(new Set(acceleratorIssueCodes));
  });

  it('is checked by the settings: a bad shortcut is refused with the reason, "" turns it off', () => {
    expect(defaultSettings.clipboardShortcut).toBe(defaultClipboardShortcut);
    expect(isValidAccelerator(defaultClipboardShortcut)).toBe(true);
    const refused = settingsPatchSchema.safeParse({ clipboardShortcut: 'Ctrl+U+I' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/Only one key/);
    expect(settingsPatchSchema.safeParse({ clipboardShortcut: '' }).success).toBe(true);
  });
});
