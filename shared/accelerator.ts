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

/** Why a text is not a usable global shortcut, as a code a window can say in its own language. */
export type AcceleratorIssue =
  | { code: 'empty' }
  | { code: 'spaces' }
  | { code: 'missing-key' }
  | { code: 'key-not-last' }
  | { code: 'not-modifier'; name: string }
  | { code: 'no-key' }
  | { code: 'unknown-key'; name: string }
  | { code: 'modifier-twice' }
  | { code: 'needs-modifier' };

/** Every AcceleratorIssue code, for whatever must say each of them (a window's translations). */
export const acceleratorIssueCodes = [
  'empty',
  'spaces',
  'missing-key',
  'key-not-last',
  'not-modifier',
  'no-key',
  'unknown-key',
  'modifier-twice',
  'needs-modifier',
] as const satisfies readonly AcceleratorIssue['code'][];

/**
 * Why `text` is not a usable global shortcut, or null when it is: modifiers then exactly one key,
 * joined by `+`, each modifier at most once. A key that types text needs a modifier other than Shift,
 * or the shortcut would swallow that character in every other app.
 */
export function acceleratorIssue(text: string): AcceleratorIssue | null {
  if (text.trim() === '') return { code: 'empty' };
  if (/\s/.test(text)) return { code: 'spaces' };
  const parts = text.split('+');
  // "Ctrl++" would be the Plus key written as a separator.
  if (parts.some((part) => part === '')) return { code: 'missing-key' };
  const key = parts.at(-1)!.toLowerCase();
  const mods = parts.slice(0, -1).map((part) => part.toLowerCase());
  const unknown = mods.find((part) => !modifiers.has(part));
  if (unknown !== undefined) {
    return isKey(unknown) ? { code: 'key-not-last' } : { code: 'not-modifier', name: unknown };
  }
  if (modifiers.has(key)) return { code: 'no-key' };
  if (!isKey(key)) return { code: 'unknown-key', name: parts.at(-1)! };
  const groups = mods.map((mod) => modifierGroup[mod] ?? mod);
  if (new Set(groups).size !== groups.length) return { code: 'modifier-twice' };
  const standsAlone = isFunctionKey(key) || silentKeys.includes(key);
  if (!standsAlone && groups.every((group) => group === 'shift')) return { code: 'needs-modifier' };
  return null;
}

/** The issue in English: what the settings schema answers when a shortcut is refused. */
export function describeAcceleratorIssue(issue: AcceleratorIssue): string {
  switch (issue.code) {
    case 'empty':
      return 'Empty: press a key combination, e.g. CommandOrControl+Alt+Shift+U.';
    case 'spaces':
      return 'No spaces: join the keys with +, e.g. CommandOrControl+Alt+Shift+U.';
    case 'missing-key':
      return 'A key is missing between two +; write the + key as Plus.';
    case 'key-not-last':
      return 'Only one key besides the modifiers (Ctrl, Alt, Shift, Command…), and it comes last.';
    case 'not-modifier':
      return `"${issue.name}" is not a modifier: use Ctrl, Alt, Shift, Command, CommandOrControl, Super.`;
    case 'no-key':
      return 'Add a key after the modifiers, e.g. CommandOrControl+Alt+Shift+U.';
    case 'unknown-key':
      return `"${issue.name}" is not a key Electron knows.`;
    case 'modifier-twice':
      return 'A modifier is named twice.';
    case 'needs-modifier':
      return 'Add Ctrl, Alt or Command: without one, the shortcut would take that key from every app.';
  }
}

/** Why `text` is not a usable global shortcut, in English, or null when it is (see acceleratorIssue). */
export function acceleratorProblem(text: string): string | null {
  const issue = acceleratorIssue(text);
  return issue === null ? null : describeAcceleratorIssue(issue);
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
