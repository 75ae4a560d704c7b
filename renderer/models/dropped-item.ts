/** One thing the user dropped or picked, before it has a path. */
export type DroppedItem = { kind: 'file'; file: File } | { kind: 'folder'; name: string; file: File | null };

/**
 * Reads a drop. Must run synchronously inside the drop handler: the browser empties the DataTransfer
 * as soon as the event returns, so nothing here may await.
 */
export function itemsFromDataTransfer(transfer: DataTransfer): DroppedItem[] {
  const items: DroppedItem[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    // A dropped folder also arrives as a File; only its entry tells it apart.
    const entry = item.webkitGetAsEntry();
    const file = item.getAsFile();
    if (entry?.isDirectory) items.push({ kind: 'folder', name: entry.name, file });
    else if (file !== null) items.push({ kind: 'file', file });
  }
  // Some sources fill `files` but not `items`; better a drop without folder detection than a lost drop.
  if (items.length === 0) return itemsFromFileList(transfer.files);
  return items;
}

export function itemsFromFileList(files: FileList | null): DroppedItem[] {
  return Array.from(files ?? [], (file) => ({ kind: 'file', file }));
}
