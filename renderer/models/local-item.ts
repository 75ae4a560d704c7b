/**
 * A row the renderer owns before (or instead of) a task: a file being staged to the web shell, or a
 * drop that failed before the main side ever saw it (a folder, a failed staging upload).
 */
export interface LocalItem {
  id: string;
  name: string;
  size: number | null;
  state: 'staging' | 'failed';
  message: string | null;
}
