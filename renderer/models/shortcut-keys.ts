/** The parts of a keydown that say which key combination was pressed. */
export interface KeyPress {
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** A key combination being pressed: the accelerator once a key joins the modifiers, else the modifiers so far. */
export type Recorded = { kind: 'complete'; accelerator: string } | { kind: 'partial'; modifiers: string };

const modifierCodes = /^(Control|Shift|Alt|Meta|OS)(Left|Right)?$|^AltGraph$/;

const namedCodes: Readonly<Record<string, string>> = {
  Space: 'Space',
  Tab: 'Tab',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Enter: 'Enter',
  NumpadEnter: 'Enter',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  PrintScreen: 'PrintScreen',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Backquote: '`',
  Comma: ',',
  Period: '.',
  Slash: '/',
  NumpadDecimal: 'numdec',
  NumpadAdd: 'numadd',
  NumpadSubtract: 'numsub',
  NumpadMultiply: 'nummult',
  NumpadDivide: 'numdiv',
  MediaPlayPause: 'MediaPlayPause',
  MediaStop: 'MediaStop',
  MediaTrackNext: 'MediaNextTrack',
  MediaTrackPrevious: 'MediaPreviousTrack',
  AudioVolumeUp: 'VolumeUp',
  AudioVolumeDown: 'VolumeDown',
  AudioVolumeMute: 'VolumeMute',
};

/**
 * The key's name in Electron's accelerator syntax, from the physical key (`code`): Electron names
 * keys as on a US keyboard, so the character another layout types there would not match. Null for a
 * key Electron cannot register.
 */
function keyName(code: string): string | null {
  const letter = /^Key([A-Z])$/.exec(code)?.[1];
  if (letter !== undefined) return letter;
  const digit = /^(?:Digit|Numpad)([0-9])$/.exec(code);
  if (digit !== null) return code.startsWith('Numpad') ? `num${digit[1]}` : digit[1]!;
  const fn = /^F([0-9]{1,2})$/.exec(code)?.[1];
  if (fn !== undefined) return Number(fn) >= 1 && Number(fn) <= 24 ? `F${fn}` : null;
  return namedCodes[code] ?? null;
}

/**
 * The accelerator for a key press while recording a shortcut. Ctrl on Windows and Linux and Command
 * on macOS become CommandOrControl, so a shortcut recorded on one works on the other (Ferry's data
 * folder may move); the other one of the two is Control (macOS) or Super.
 */
export function recordKeyPress(press: KeyPress, mac: boolean): Recorded | null {
  const modifiers = [
    (mac ? press.metaKey : press.ctrlKey) ? 'CommandOrControl' : null,
    mac && press.ctrlKey ? 'Control' : null,
    press.altKey ? 'Alt' : null,
    press.shiftKey ? 'Shift' : null,
    !mac && press.metaKey ? 'Super' : null,
  ].filter((name) => name !== null);
  if (modifierCodes.test(press.code)) return { kind: 'partial', modifiers: modifiers.join('+') };
  const key = keyName(press.code);
  if (key === null) return null;
  return { kind: 'complete', accelerator: [...modifiers, key].join('+') };
}

/** Whether the page runs on macOS, where Command plays Ctrl's part. */
export function isMacPlatform(platform: string = navigator.platform): boolean {
  return /^mac/i.test(platform);
}
