import { useEffect, useState, type DragEvent, type ReactNode } from 'react';
import { itemsFromDataTransfer } from '../models/dropped-item.ts';
import { useAppActions } from '../state/app-context.tsx';

function carriesFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer.types).includes('Files');
}

/**
 * The whole window takes drops and pastes: aiming at a small box is the commonest way a drag goes
 * wrong. A drop anywhere also keeps the browser from navigating away to the dropped file.
 */
export function DropZone(props: { children: ReactNode }) {
  const { addItems, addPasted } = useAppActions();
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const files = Array.from(event.clipboardData?.files ?? []);
      // Text pasted into a field stays text; only clipboard files (screenshots, copied images) upload.
      if (files.length === 0) return;
      event.preventDefault();
      void addPasted(files);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [addPasted]);

  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDragLeave = (event: DragEvent<HTMLDivElement>) => {
    // Moving between children fires leave/enter pairs; only leaving the window ends the drag.
    if (!(event.relatedTarget instanceof Node) || !event.currentTarget.contains(event.relatedTarget)) {
      setDragging(false);
    }
  };
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    void addItems(itemsFromDataTransfer(event.dataTransfer));
  };

  return (
    <div
      className={dragging ? 'drop-zone is-dragging' : 'drop-zone'}
      data-testid="drop-zone"
      onDragEnter={onDragOver}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      {props.children}
    </div>
  );
}
