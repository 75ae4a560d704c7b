/**
 * One thing the user dropped or picked, before it has a path. A folder carries its directory entry
 * (walked later, after the drop event) or, from a folder picker, its files already listed.
 */
export type DroppedItem =
  | { kind: 'file'; file: File }
  | { kind: 'folder'; name: string; entry: FileSystemDirectoryEntry }
  | { kind: 'folder'; name: string; files: readonly File[] };

function isDirectory(entry: FileSystemEntry | null): entry is FileSystemDirectoryEntry {
  return entry?.isDirectory === true;
}

/**
 * Reads a drop. Must run synchronously inside the drop handler: the browser empties the DataTransfer
 * as soon as the event returns, so nothing here may await. The entries themselves stay readable.
 */
export function itemsFromDataTransfer(transfer: DataTransfer): DroppedItem[] {
  const items: DroppedItem[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    // A dropped folder also arrives as a File; only its entry tells it apart.
    const entry = item.webkitGetAsEntry();
    const file = item.getAsFile();
    if (isDirectory(entry)) items.push({ kind: 'folder', name: entry.name, entry });
    else if (file !== null) items.push({ kind: 'file', file });
  }
  // Some sources fill `files` but not `items`; better a drop without folder detection than a lost drop.
  if (items.length === 0) return itemsFromFileList(transfer.files);
  return items;
}

export function itemsFromFileList(files: FileList | null): DroppedItem[] {
  return Array.from(files ?? [], (file) => ({ kind: 'file', file }));
}

/** A folder picker's list (`webkitdirectory`): one folder item per top-level folder name. */
export function itemsFromFolderPicker(files: FileList | null): DroppedItem[] {
  const byFolder = new Map<string, File[]>();
  for (const file of Array.from(files ?? [])) {
    const folder = file.webkitRelativePath.split('/')[0] || file.name;
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
  }
  return [...byFolder].map(([name, list]) => ({ kind: 'folder', name, files: list }));
}

/** Most a single folder drop may list: past this the user surely meant something else. */
export const maxFolderFiles = 100_000;

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/**
 * Every file under a dropped folder, depth first. `readEntries` answers in batches (100 in Chromium)
 * until it returns an empty one, so it is called until then. Unreadable sub-entries are skipped rather
 * than failing the whole folder.
 */
export async function filesInFolder(root: FileSystemDirectoryEntry, limit = maxFolderFiles): Promise<File[]> {
  const files: File[] = [];
  const pending: FileSystemDirectoryEntry[] = [root];
  while (pending.length > 0 && files.length < limit) {
    const reader = pending.pop()!.createReader();
    for (;;) {
      const batch = await readBatch(reader).catch(() => []);
      if (batch.length === 0) break;
      for (const entry of batch) {
        if (isDirectory(entry)) pending.push(entry);
        else if (entry.isFile) {
          const file = await fileOf(entry as FileSystemFileEntry).catch(() => null);
          if (file !== null && files.length < limit) files.push(file);
        }
      }
    }
  }
  return files;
}
