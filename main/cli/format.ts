import type { ErrorView } from '../../shared/errors.ts';
import { escapeHidden } from '../../shared/hidden-characters.ts';
import type { HistoryEntryView, LinkView, TaskState, TaskView } from '../../shared/models.ts';

/** What `ferry upload --json` prints for one file, once it has finished one way or another. */
export interface FileResult {
  path: string;
  status: 'done' | 'failed' | 'cancelled';
  name: string;
  size: number | null;
  links: LinkView[];
  remoteId: string | null;
  sha256: string | null;
  error: { code: ErrorView['code']; message: string; providerMessage?: string } | null;
}

export const terminalStates: readonly TaskState[] = ['done', 'failed', 'cancelled'];

export function isTerminal(task: Pick<TaskView, 'state'>): task is { state: FileResult['status'] } {
  return terminalStates.includes(task.state);
}

/** A finished task plus (for a done one) its history entry, which carries the links and remote ids. */
export function toFileResult(task: TaskView, entry: HistoryEntryView | undefined): FileResult {
  const status = isTerminal(task) ? task.state : 'failed';
  const error =
    task.error === null
      ? status === 'done' && entry === undefined
        ? { code: 'internal' as const, message: 'The upload finished but its history entry was not found.' }
        : null
      : {
          code: task.error.code,
          message: task.error.message,
          ...(task.error.providerMessage === undefined
            ? {}
            : { providerMessage: task.error.providerMessage }),
        };
  return {
    path: task.path,
    status,
    // The name as sent: a processed file's (`photo.webp`), while `path` stays the file given.
    name: entry?.name ?? task.name,
    size: entry?.size ?? task.size,
    links: entry?.links ?? [],
    remoteId: entry?.remoteId ?? null,
    sha256: entry?.sha256 ?? null,
    error,
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function formatSpeed(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? '-' : `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const total = Math.ceil(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Cut to a terminal width; a line that wrapped would break the cursor arithmetic of the progress view. */
export function fit(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 1 ? chars.slice(0, width).join('') : `${chars.slice(0, width - 1).join('')}…`;
}

const stateLabels: Partial<Record<TaskState, string>> = {
  queued: 'queued',
  hashing: 'hashing',
  paused: 'paused',
};

/** One live line: name, bar, percent, bytes, speed, ETA — squeezed to the width by shortening the name. */
export function progressLine(task: TaskView, width: number): string {
  const size = task.size ?? 0;
  const fraction = size === 0 ? (task.state === 'done' ? 1 : 0) : Math.min(1, task.transferredBytes / size);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const barWidth = 16;
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  const label = stateLabels[task.state];
  // Fixed-width columns, so the name column does not jump as speeds and sizes change length.
  const detail = label
    ? label
    : [
        `${formatBytes(task.transferredBytes)}/${formatBytes(size)}`.padEnd(19),
        formatSpeed(task.bytesPerSecond).padEnd(12),
        `ETA ${formatEta(task.etaSeconds)}`,
      ].join(' ');
  const tail = ` ${bar} ${percent}  ${detail}`;
  const nameWidth = Math.max(8, Math.min(40, width - 69));
  return fit(`${fit(escapeHidden(task.name), nameWidth).padEnd(nameWidth)}${tail}`, width);
}

/**
 * The plain (non-TTY, non-JSON) line for a finished file: status, name, size, then the link or the
 * reason. Names, links and a provider's words are written with their hidden characters escaped
 * (shared/hidden-characters.ts): a direction override cannot disguise a name, an ESC cannot drive the
 * terminal.
 */
export function finishedLine(result: FileResult): string {
  const size = result.size === null ? '' : ` (${formatBytes(result.size)})`;
  const name = escapeHidden(result.name);
  if (result.status === 'done') {
    const link = firstLink(result.links);
    return `done      ${name}${size}${link ? `  ${escapeHidden(link)}` : ''}`;
  }
  const reason = result.error
    ? escapeHidden(
        `${result.error.message}${result.error.providerMessage && !result.error.message.includes(result.error.providerMessage) ? ` (${result.error.providerMessage})` : ''} [${result.error.code}]`,
      )
    : '';
  return `${result.status.padEnd(9)} ${name}${size}${reason ? `  ${reason}` : ''}`;
}

export function firstLink(links: readonly LinkView[]): string | undefined {
  return (links.find((link) => link.kind === 'original') ?? links[0])?.url;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local time, minute precision: what a person scanning their history wants. */
export function formatTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

export function historyLine(entry: HistoryEntryView): string {
  return [
    formatTime(entry.createdAt),
    escapeHidden(entry.name),
    formatBytes(entry.size),
    escapeHidden(firstLink(entry.links) ?? '-'),
  ].join('  ');
}

export function summaryLine(results: readonly FileResult[]): string {
  const count = (status: FileResult['status']): number => results.filter((r) => r.status === status).length;
  const parts = [`${count('done')} uploaded`];
  if (count('failed') > 0) parts.push(`${count('failed')} failed`);
  if (count('cancelled') > 0) parts.push(`${count('cancelled')} cancelled`);
  return parts.join(', ');
}
