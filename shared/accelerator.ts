/**
 * Electron's accelerator syntax (https://www.electronjs.org/docs/latest/api/accelerator), checked
 * before a global shortcut is saved, so a typo is refused in Settings instead of failing silently at
 * registration. Shared: the settings schema refuses it, and the renderer can say why while typing.
 */

const modifierNames = [
  'command',
  'cmd',
  'control',
  'ctrl',
  'commandorcontrol',
  'cmdorctrl',
  'alt',
  'option',
  'altgr',
  'shift',
  'super',
  'meta',
] as const;
const modifiers: ReadonlySet<string> = new Set(modifierNames);

/** The same modifier under its aliases: `Cmd+Command+U` names one modifier twice. */
const modifierGroup: Readonly<Record<string, string>> = {
  cmd: 'command',
  ctrl: 'control',
  cmdorctrl: 'commandorcontrol',
  option: 'alt',
  meta: 'super',
};

const namedKeys = [
  'plus',
  'space',
  'tab',
  'capslock',
  'numlock',
  'scrolllock',
  'backspace',
  'delete',
  'insert',
  'return',
  'enter',
  'up',
  'down',
  'left',
  'right',
  'home',
  'end',
  'pageup',
  'pagedown',
  'escape',
  'esc',
  'numdec',
  'numadd',
  'numsub',
  'nummult',
  'numdiv',
];
/** Keys that type nothing: they may stand alone (F13, Play/Pause), as no text input needs them. */
const silentKeys = [
  'volumeup',
  'volumedown',
  'volumemute',
  'medianexttrack',
  'mediaprevioustrack',
  'mediastop',
  'mediaplaypause',
  'printscreen',
];
// `+` is the separator; the key itself is spelled `Plus`.
const punctuation = new Set([...')!@#$%^&*(:;=<,_->.?/~`{][|\\}"']);

function isFunctionKey(key: string): boolean {
  return /^f([1-9]|1[0-9]|2[0-4])$/.test(key);
}

function isKey(key: string): boolean {
  return (
    /^[a-z0-9]$/.test(key) ||
    /^num[0-9]$/.test(key) ||
    isFunctionKey(key) ||
    punctuation.has(key) ||
    namedKeys.includes(key) ||
    silentKeys.includes(key)
  );
}

/**
 * Why `text` is not a usable global shortcut, or null when it is: modifiers then exactly one key,
 * joined by `+`, each modifier at most once. A key that types text needs a modifier other than Shift,
 * or the shortcut would swallow that character in every other app.
 */
export function acceleratorProblem(text: string): string | null {
  if (text.trim() === '') return 'Empty: press a key combination, e.g. CommandOrControl+Alt+Shift+U.';
  if (/\s/.test(text)) return 'No spaces: join the keys with +, e.g. CommandOrControl+Alt+Shift+U.';
  const parts = text.split('+');
  // "Ctrl++" would be the Plus key written as a separator.
  if (parts.some((part) => part === '')) return 'A key is missing between two +; write the + key as Plus.';
  const key = parts.at(-1)!.toLowerCase();
  const mods = parts.slice(0, -1).map((part) => part.toLowerCase());
  const unknown = mods.find((part) => !modifiers.has(part));
  if (unknown !== undefined) {
    return isKey(unknown)
      ? 'Only one key besides the modifiers (Ctrl, Alt, Shift, Command…), and it comes last.'
      : `"${unknown}" is not a modifier: use Ctrl, Alt, Shift, Command, CommandOrControl, Super.`;
  }
  if (modifiers.has(key)) return 'Add a key after the modifiers, e.g. CommandOrControl+Alt+Shift+U.';
  if (!isKey(key)) return `"${parts.at(-1)}" is not a key Electron knows.`;
  const groups = mods.map((mod) => modifierGroup[mod] ?? mod);
  if (new Set(groups).size !== groups.length) return 'A modifier is named twice.';
  const standsAlone = isFunctionKey(key) || silentKeys.includes(key);
  if (!standsAlone && groups.every((group) => group === 'shift')) {
    return 'Add Ctrl, Alt or Command: without one, the shortcut would take that key from every app.';
  }
  return null;
}

export function isValidAccelerator(text: string): boolean {
  return acceleratorProblem(text) === null;
}

/**
 * The default "upload the clipboard" shortcut. Not Ctrl+Shift+U: GTK and IBus use it for typing
 * Unicode characters on Linux, and a global grab would take it from every app. Nor Ctrl+Shift+P
 * (PicGo's default), VS Code's command palette.
 */
export const defaultClipboardShortcut = 'CommandOrControl+Alt+Shift+U';
