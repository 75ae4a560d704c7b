import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { itemsFromDataTransfer, itemsFromFileList } from '../models/dropped-item.ts';
import { useAppActions } from '../state/app-context.tsx';

function carriesFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer.types).includes('Files');
}

/**
 * The whole window takes drops: aiming at a small box is the commonest way a drag goes wrong. A drop
 * anywhere also keeps the browser from navigating away to the dropped file.
 */
export function DropZone(props: { children: ReactNode }) {
  const { addItems } = useAppActions();
  const [dragging, setDragging] = useState(false);

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

/** The visible target and the keyboard path to the same thing. */
export function DropPanel() {
  const { addItems } = useAppActions();
  const input = useRef<HTMLInputElement>(null);

  return (
    <section className="drop-panel" aria-label="Add files">
      <p className="drop-title">Drop files here</p>
      <p className="drop-hint">or</p>
      <button type="button" className="button primary" onClick={() => input.current?.click()}>
        Choose files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(event) => {
          void addItems(itemsFromFileList(event.target.files));
          // Cleared so that picking the same file again still fires a change.
          event.target.value = '';
        }}
      />
    </section>
  );
}
