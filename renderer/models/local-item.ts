import type { ErrorView } from '../../shared/errors.ts';

/**
 * A row the renderer owns before (or instead of) a task: a file being staged to the main side, or a
 * drop that failed before the main side ever saw it. A failure is either the main side's ErrorView
 * (translated by code) or the renderer's own reason, as a translation key with its values.
 */
export interface LocalItem {
  id: string;
  name: string;
  size: number | null;
  state: 'staging' | 'failed';
  error: ErrorView | null;
  reason: { key: string; values?: Record<string, string | number> } | null;
}
