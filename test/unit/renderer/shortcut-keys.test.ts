import { describe, expect, it } from 'vitest';
import { acceleratorIssue } from '../../../shared/accelerator.ts';
import { isMacPlatform, recordKeyPress, type KeyPress } from '../../../renderer/models/shortcut-keys.ts';

const press = (code: string, mods: Partial<Omit<KeyPress, 'code'>> = {}): KeyPress => ({
  code,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('recording a shortcut from a key press', () => {
  it('writes Ctrl (Windows, Linux) and Command (macOS) as CommandOrControl, modifiers in a fixed order', () => {
    const linux = recordKeyPress(press('KeyU', { shiftKey: true, altKey: true, ctrlKey: true }), false);
    expect(linux).toEqual({ kind: 'complete', accelerator: 'CommandOrControl+Alt+Shift+U' });
    const mac = recordKeyPress(press('KeyU', { shiftKey: true, altKey: true, metaKey: true }), true);
    expect(mac).toEqual({ kind: 'complete', accelerator: 'CommandOrControl+Alt+Shift+U' });
    expect(recordKeyPress(press('KeyK', { ctrlKey: true }), true)).toEqual({
      kind: 'complete',
      accelerator: 'Control+K',
    });
    expect(recordKeyPress(press('KeyK', { metaKey: true, altKey: true }), false)).toEqual({
      kind: 'complete',
      accelerator: 'Alt+Super+K',
    });
  });

  it('names keys by their place on the keyboard, as Electron does, and every name is one it accepts', () => {
    const cases: Array<[string, Partial<KeyPress>, string]> = [
      ['Digit7', { ctrlKey: true }, 'CommandOrControl+7'],
      ['Numpad7', { ctrlKey: true }, 'CommandOrControl+num7'],
      ['NumpadAdd', { altKey: true }, 'Alt+numadd'],
      ['F9', {}, 'F9'],
      ['F24', { shiftKey: true }, 'Shift+F24'],
      ['ArrowUp', { ctrlKey: true, altKey: true }, 'CommandOrControl+Alt+Up'],
      ['Space', { altKey: true }, 'Alt+Space'],
      ['Slash', { ctrlKey: true }, 'CommandOrControl+/'],
      ['Backquote', { metaKey: true }, 'CommandOrControl+`'],
      ['BracketLeft', { ctrlKey: true, shiftKey: true }, 'CommandOrControl+Shift+['],
      ['PrintScreen', {}, 'PrintScreen'],
      ['MediaPlayPause', {}, 'MediaPlayPause'],
      ['AudioVolumeMute', {}, 'VolumeMute'],
    ];
    for (const [code, mods, accelerator] of cases) {
      const mac = mods.metaKey === true;
      expect(recordKeyPress(press(code, mods), mac), code).toEqual({ kind: 'complete', accelerator });
      expect(acceleratorIssue(accelerator), accelerator).toBeNull();
    }
  });

  it('waits while only modifiers are down, showing them', () => {
    expect(recordKeyPress(press('ControlLeft', { ctrlKey: true }), false)).toEqual({
      kind: 'partial',
      modifiers: 'CommandOrControl',
    });
    expect(recordKeyPress(press('ShiftRight', { ctrlKey: true, shiftKey: true }), false)).toEqual({
      kind: 'partial',
      modifiers: 'CommandOrControl+Shift',
    });
    expect(recordKeyPress(press('AltLeft'), false)).toEqual({ kind: 'partial', modifiers: '' });
  });

  it('ignores keys no shortcut can use, and lets the shared check refuse a key without a modifier', () => {
    expect(recordKeyPress(press('F25'), false)).toBeNull();
    expect(recordKeyPress(press('ContextMenu', { ctrlKey: true }), false)).toBeNull();
    expect(recordKeyPress(press('Fn'), false)).toBeNull();
    const bare = recordKeyPress(press('KeyU', { shiftKey: true }), false);
    expect(bare).toEqual({ kind: 'complete', accelerator: 'Shift+U' });
    expect(acceleratorIssue('Shift+U')).toEqual({ code: 'needs-modifier' });
  });

  it('knows macOS by its platform string', () => {
    expect(isMacPlatform('MacIntel')).toBe(true);
    expect(isMacPlatform('Linux x86_64')).toBe(false);
    expect(isMacPlatform('Win32')).toBe(false);
  });
});
