import { EventEmitter } from 'node:events';
import type { DesktopElectron } from '../../../main/electron/desktop.ts';
import type { TrayElectron, TrayLike } from '../../../main/electron/tray.ts';
import type { HistoryEntryView, TaskView } from '../../../shared/models.ts';
import { FakeClipboard } from '../../support/fake-clipboard.ts';

// Electron's types reached through the interfaces of main/electron (tests may not import 'electron').
type MenuItemConstructorOptions = Parameters<TrayElectron['Menu']['buildFromTemplate']>[0][number];
type NativeImage = Parameters<TrayLike['setImage']>[0];
type Menu = Parameters<TrayLike['setContextMenu']>[0];

// Electron's Tray, Menu, nativeImage, clipboard, Notification, powerSaveBlocker and globalShortcut
// mocked: the Electron binary cannot run here. Each fake records what the code under test asked of it.

/** A nativeImage stand-in that remembers the file it was loaded from. */
export interface FakeImage {
  path: string;
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  image: FakeImage;
  toolTip = '';
  toolTips: string[] = [];
  menu: MenuItemConstructorOptions[] | null = null;
  menuBuilds = 0;
  destroyed = false;

  constructor(image: NativeImage) {
    super();
    this.image = image as unknown as FakeImage;
    FakeTray.instances.push(this);
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
    this.toolTips.push(toolTip);
  }
  setImage(image: NativeImage): void {
    this.image = image as unknown as FakeImage;
  }
  setContextMenu(menu: Menu | null): void {
    this.menu = menu as unknown as MenuItemConstructorOptions[];
    this.menuBuilds++;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** Click the menu item with this label, as the user would. */
  clickItem(label: string): void {
    const item = this.menu?.find((candidate) => candidate.label === label);
    if (item?.click === undefined) throw new Error(`no clickable menu item "${label}"`);
    if (item.enabled === false) throw new Error(`menu item "${label}" is disabled`);
    (item.click as () => void)();
  }
  item(label: string): MenuItemConstructorOptions | undefined {
    return this.menu?.find((candidate) => candidate.label === label);
  }
}

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  readonly title: string;
  readonly body: string;
  shown = false;
  constructor(options: { title: string; body: string }) {
    super();
    this.title = options.title;
    this.body = options.body;
    FakeNotification.instances.push(this);
  }
  show(): void {
    this.shown = true;
  }
}

export class FakePowerSaveBlocker {
  #next = 1;
  readonly active = new Set<number>();
  readonly starts: string[] = [];
  start(type: 'prevent-app-suspension'): number {
    this.starts.push(type);
    const id = this.#next++;
    this.active.add(id);
    return id;
  }
  stop(id: number): boolean {
    return this.active.delete(id);
  }
}

/**
 * Electron's `globalShortcut`: one registration per accelerator system-wide, so a shortcut another app
 * holds (`takenByOthers`) is refused the way the OS refuses it; `press` is the user pressing it.
 */
export class FakeGlobalShortcut {
  readonly registered = new Map<string, () => void>();
  readonly takenByOthers = new Set<string>();
  readonly calls: string[] = [];
  register(accelerator: string, callback: () => void): boolean {
    this.calls.push(`register:${accelerator}`);
    if (/\+\+|^\+|\+$/.test(accelerator)) throw new TypeError(`Invalid accelerator: ${accelerator}`);
    if (this.takenByOthers.has(accelerator) || this.registered.has(accelerator)) return false;
    this.registered.set(accelerator, callback);
    return true;
  }
  unregister(accelerator: string): void {
    this.calls.push(`unregister:${accelerator}`);
    this.registered.delete(accelerator);
  }
  isRegistered(accelerator: string): boolean {
    return this.registered.has(accelerator);
  }
  press(accelerator: string): void {
    const callback = this.registered.get(accelerator);
    if (callback === undefined) throw new Error(`${accelerator} is not registered`);
    callback();
  }
}

export function fakeDesktopElectron() {
  FakeTray.instances = [];
  FakeNotification.instances = [];
  FakeNotification.supported = true;
  const clipboard = new FakeClipboard();
  const powerSaveBlocker = new FakePowerSaveBlocker();
  const globalShortcut = new FakeGlobalShortcut();
  const modules = {
    Tray: FakeTray,
    // The template itself stands in for the built menu, so tests can click its items.
    Menu: { buildFromTemplate: (template: MenuItemConstructorOptions[]) => template },
    nativeImage: { createFromPath: (path: string): FakeImage => ({ path }) },
    clipboard,
    Notification: FakeNotification,
    powerSaveBlocker,
    globalShortcut,
  } as unknown as DesktopElectron;
  return { modules, clipboard, powerSaveBlocker, globalShortcut };
}

let nextTask = 1;

export function task(overrides: Partial<TaskView> = {}): TaskView {
  const id = overrides.id ?? `task-${nextTask++}`;
  return {
    id,
    accountId: 'sandbox',
    path: `/home/user/${id}.png`,
    name: `${id}.png`,
    size: 100,
    state: 'queued',
    transferredBytes: 0,
    bytesPerSecond: null,
    etaSeconds: null,
    error: null,
    historyId: null,
    createdAt: 1,
    updatedAt: 1,
    ...overrides,
  };
}

export function entry(overrides: Partial<HistoryEntryView> = {}): HistoryEntryView {
  const id = overrides.id ?? `entry-${nextTask++}`;
  return {
    id,
    accountId: 'sandbox',
    providerId: 'tencent-im',
    name: `${id}.png`,
    size: 100,
    mimeType: 'image/png',
    sha256: 'ab'.repeat(32),
    remoteId: `remote-${id}`,
    links: [{ kind: 'original', url: `https://cdn.example/${id}.png` }],
    details: {},
    createdAt: 1,
    ...overrides,
  };
}
