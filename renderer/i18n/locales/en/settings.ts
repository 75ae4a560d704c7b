// Locale catalogs are default exports so i18n.ts can load every namespace the same way.
/* eslint-disable no-restricted-syntax */
const settings = {
  title: 'Settings',
  loading: 'Loading settings…',
  saveFailed: 'The setting was not saved:',
  uploads: {
    title: 'Uploads',
    concurrency: 'Files uploading at once',
    partSize: 'Part size (MiB)',
    partSizeHint: '0 lets each provider choose. Used by S3 and tus.',
    defaultAccount: 'Default account',
    askEachTime: 'Ask each time',
    defaultAccountHint:
      'Where drops, pastes and the local API upload. “Ask each time” asks at every drop when there is more than one account.',
    uploadEmptyFiles: 'Upload empty (0-byte) files without asking',
    linkFormat: 'Default link format',
  },
  formats: {
    url: 'Link',
    markdown: 'Markdown',
    html: 'HTML',
    'tencent-im-message': 'Tencent IM message element',
    'easemob-message-body': 'Easemob message body',
  },
  appearance: {
    title: 'Appearance',
    language: 'Language',
    theme: 'Theme',
  },
  languages: {
    system: 'Same as the system',
    en: 'English',
    'zh-CN': 'Simplified Chinese (简体中文)',
  },
  themes: {
    system: 'Same as the system',
    light: 'Light',
    dark: 'Dark',
  },
  behaviour: {
    title: 'Desktop app',
    clipboardShortcut: 'Shortcut that uploads the clipboard',
    clipboardShortcutHint:
      'Works from any app: the image, files or data URL on the clipboard go to the default account. Press Record, then the keys; or type them, joined by +. Empty: no shortcut.',
    defaultShortcut: 'Default: {{shortcut}}',
    record: 'Record',
    recording: 'Press the keys…',
    useDefault: 'Use default',
    shortcutOff: 'No shortcut: the clipboard is uploaded from the tray menu only.',
    shortcutNotSaved: 'Not saved: {{reason}}',
    shortcutUnavailable:
      'Not working: another app (or the system) already uses {{shortcut}}. Choose another one.',
    copyLinksOnUpload: 'Copy the links to the clipboard when an upload finishes',
    dropWindow: 'Show a drop window: a small always-on-top target that uploads to the default account',
    notifications: 'Notify when a batch finishes or fails',
    notifyWhenFocused: 'Notify even while Ferry is in front',
    minimizeToTray: 'Keep running in the tray when the window is closed',
    desktopOnly:
      'These apply to the desktop app. In this browser there is no global shortcut, tray, drop window or system notification: paste or drop files into the page, and a message in the page says when a batch finishes or fails.',
  },
  shortcutIssues: {
    empty: 'press a key combination, e.g. CommandOrControl+Alt+Shift+U.',
    spaces: 'no spaces; join the keys with +, e.g. CommandOrControl+Alt+Shift+U.',
    'missing-key': 'a key is missing between two +; write the + key as Plus.',
    'key-not-last': 'only one key besides the modifiers (Ctrl, Alt, Shift, Command…), and it comes last.',
    'not-modifier': '“{{name}}” is not a modifier; use Ctrl, Alt, Shift, Command, CommandOrControl or Super.',
    'no-key': 'add a key after the modifiers, e.g. CommandOrControl+Alt+Shift+U.',
    'unknown-key': '“{{name}}” is not a key a shortcut can use.',
    'modifier-twice': 'a modifier is named twice.',
    'needs-modifier':
      'add Ctrl, Alt or Command; without one, the shortcut would take that key from every app.',
  },
  localApi: {
    title: 'Local upload API',
    hint: 'A PicGo-compatible endpoint on 127.0.0.1 for Typora, Obsidian and other tools.',
    capability:
      'Anything that has the secret can make Ferry upload any file you can read (except Ferry’s own data folder) to the default account. Give it only to tools you trust, and replace it if it leaks.',
    enabled: 'Enable the local upload API',
    port: 'Port',
    secret: 'Secret',
    secretHint:
      'Tools must send this secret. Ferry generates it; it cannot be edited. After replacing it, give the new one to your tools: the old one stops working at once.',
    noSecret: 'Generated when the API is enabled',
    copySecret: 'Copy secret',
    rotateSecret: 'Replace secret',
  },
};
export default settings;
