import type { Menu, MenuItemConstructorOptions, NativeImage } from 'electron';
import { join } from 'node:path';
import { copyFormat } from '../../shared/copy-formats/index.ts';
import type { HistoryEntryView } from '../../shared/models.ts';
import type { ActivitySnapshot } from './batch-tracker.ts';
import { en } from './strings/en.ts';
import type { MainStrings } from './strings/main-strings.ts';

/** How many recent uploads the tray menu lists. */
export const trayRecentCount = 5;
const maxLabelLength = 40;

/** "Ferry — 3 uploading, 42%": what hovering the tray icon says. */
export function trayTooltip(snapshot: ActivitySnapshot, strings: MainStrings = en): string {
  if (snapshot.active === 0 && snapshot.paused === 0) return strings.tray.idleTooltip;
  const percent = snapshot.fraction === null ? null : Math.floor(snapshot.fraction * 100);
  return strings.tray.busyTooltip(snapshot.active, snapshot.active > 0 ? percent : null, snapshot.paused);
}

/**
 * A file name as a menu label: shortened in the middle (the extension says what it is), and with `&`
 * doubled because Windows reads a single one as a keyboard accelerator marker.
 */
export function menuLabel(name: string): string {
  const short =
    name.length <= maxLabelLength
      ? name
      : `${name.slice(0, maxLabelLength - 12)}…${name.slice(name.length - 11)}`;
  return short.replaceAll('&', '&&');
}

/** What clicking a recent upload copies: the entry in the user's link format, else its plain link. */
export function textToCopy(entry: HistoryEntryView, linkFormatId: string): string | null {
  for (const format of [copyFormat(linkFormatId), copyFormat('url')]) {
    if (format === undefined || !format.applies(entry)) continue;
    try {
      return format.render(entry);
    } catch {
      // A format that cannot render this entry (a provider detail missing) falls back to the link.
    }
  }
  return null;
}

export interface TrayMenuActions {
  copy(entry: HistoryEntryView): void;
  uploadClipboard(): void;
  setDropWindow(shown: boolean): void;
  pauseAll(): void;
  resumeAll(): void;
  openWindow(): void;
  quit(): void;
}

export interface TrayMenuModel {
  recent: readonly HistoryEntryView[];
  snapshot: ActivitySnapshot;
  /** The clipboard shortcut, shown next to "Upload clipboard" ('' = none). */
  clipboardShortcut?: string;
  dropWindow?: boolean;
  strings?: MainStrings;
}

export function trayMenuTemplate(
  model: TrayMenuModel,
  actions: TrayMenuActions,
): MenuItemConstructorOptions[] {
  const { tray } = model.strings ?? en;
  const recent: MenuItemConstructorOptions[] =
    model.recent.length === 0
      ? [{ label: tray.noUploads, enabled: false }]
      : model.recent.slice(0, trayRecentCount).map((entry) => ({
          label: menuLabel(entry.name),
          toolTip: tray.copyLink,
          enabled: entry.links.length > 0,
          click: () => actions.copy(entry),
        }));
  const shortcut = model.clipboardShortcut ?? '';
  return [
    {
      label: tray.uploadClipboard,
      // Shown as a hint only: the global shortcut itself is registered by clipboard-shortcut.ts.
      ...(shortcut === '' ? {} : { accelerator: shortcut, registerAccelerator: false }),
      click: () => actions.uploadClipboard(),
    },
    {
      label: tray.dropWindow,
      type: 'checkbox',
      checked: model.dropWindow === true,
      click: () => actions.setDropWindow(model.dropWindow !== true),
    },
    { type: 'separator' },
    { label: tray.recentHeader, enabled: false },
    ...recent,
    { type: 'separator' },
    { label: tray.pauseAll, enabled: model.snapshot.active > 0, click: () => actions.pauseAll() },
    { label: tray.resumeAll, enabled: model.snapshot.paused > 0, click: () => actions.resumeAll() },
    { type: 'separator' },
    { label: tray.open, click: () => actions.openWindow() },
    { label: tray.quit, click: () => actions.quit() },
  ];
}

/** The parts of Electron's `Tray` used here; the real one satisfies it, a test passes a fake. */
export interface TrayLike {
  setToolTip(toolTip: string): void;
  setImage(image: NativeImage): void;
  setContextMenu(menu: Menu | null): void;
  on(event: 'click', listener: () => void): unknown;
  on(event: 'drop-files', listener: (event: unknown, files: string[]) => void): unknown;
  destroy(): void;
}

export interface TrayElectron {
  Tray: new (image: NativeImage) => TrayLike;
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): Menu };
  nativeImage: { createFromPath(path: string): NativeImage };
}

export type TrayIcon = 'idle' | 'uploading';

/** tray.png / tray@2x.png (16 and 32 px): nativeImage picks the @2x file on high-DPI screens itself. */
export function trayIconPath(iconDir: string, icon: TrayIcon): string {
  return join(iconDir, icon === 'uploading' ? 'tray-uploading.png' : 'tray.png');
}

export interface TrayViewOptions {
  electron: TrayElectron;
  iconDir: string;
  platform: NodeJS.Platform;
  actions: TrayMenuActions;
  onDropFiles(paths: string[]): void;
}

/**
 * The tray icon: shows what `render` is given and reports clicks. It keeps the last model and only
 * touches Electron when something visible changed (a menu rebuild on every progress tick would close
 * a menu the user has open on some platforms).
 */
export class TrayView {
  readonly #options: TrayViewOptions;
  readonly #tray: TrayLike;
  readonly #images = new Map<TrayIcon, NativeImage>();
  #icon: TrayIcon = 'idle';
  #tooltip = '';
  #menuKey = '';

  constructor(options: TrayViewOptions) {
    this.#options = options;
    this.#tray = new options.electron.Tray(this.#image('idle'));
    this.#tray.setToolTip((this.#tooltip = en.tray.idleTooltip));
    // macOS opens the context menu on click by itself; elsewhere a click brings the window back.
    if (options.platform !== 'darwin') this.#tray.on('click', () => options.actions.openWindow());
    // Only macOS reports files dropped on the icon; elsewhere the event never fires.
    this.#tray.on('drop-files', (_event, files) => {
      if (Array.isArray(files) && files.length > 0) options.onDropFiles(files);
    });
  }

  render(model: TrayMenuModel): void {
    const icon: TrayIcon = model.snapshot.active > 0 ? 'uploading' : 'idle';
    if (icon !== this.#icon) {
      this.#icon = icon;
      this.#tray.setImage(this.#image(icon));
    }
    const tooltip = trayTooltip(model.snapshot, model.strings);
    if (tooltip !== this.#tooltip) {
      this.#tooltip = tooltip;
      this.#tray.setToolTip(tooltip);
    }
    const menuKey = JSON.stringify([
      model.recent.map((entry) => [entry.id, entry.name, entry.links.length]),
      model.snapshot.active > 0,
      model.snapshot.paused > 0,
      model.clipboardShortcut ?? '',
      model.dropWindow === true,
      (model.strings ?? en).tray, // its strings (functions drop out): the language
    ]);
    if (menuKey !== this.#menuKey) {
      this.#menuKey = menuKey;
      const template = trayMenuTemplate(model, this.#options.actions);
      this.#tray.setContextMenu(this.#options.electron.Menu.buildFromTemplate(template));
    }
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #image(icon: TrayIcon): NativeImage {
    let image = this.#images.get(icon);
    if (image === undefined) {
      image = this.#options.electron.nativeImage.createFromPath(trayIconPath(this.#options.iconDir, icon));
      this.#images.set(icon, image);
    }
    return image;
  }
}
