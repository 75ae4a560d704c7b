/** The parts of a `WebContents` the registry and event delivery use; a real one satisfies it. */
export interface TrackedContents {
  readonly id: number;
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
}

/**
 * The web contents of the windows this app created: the IPC sender check trusts only these, and
 * events are delivered only to these. Entries leave when their contents are destroyed, so a recycled
 * id can never inherit trust.
 */
export interface WindowRegistry<T extends TrackedContents> {
  add(contents: T): void;
  has(webContentsId: number): boolean;
  list(): T[];
}

export function createWindowRegistry<T extends TrackedContents>(): WindowRegistry<T> {
  const byId = new Map<number, T>();
  return {
    add(contents) {
      if (contents.isDestroyed()) return;
      const id = contents.id;
      byId.set(id, contents);
      contents.once('destroyed', () => {
        if (byId.get(id) === contents) byId.delete(id);
      });
    },
    has: (webContentsId) => {
      const contents = byId.get(webContentsId);
      return contents !== undefined && !contents.isDestroyed();
    },
    list: () => [...byId.values()].filter((contents) => !contents.isDestroyed()),
  };
}
