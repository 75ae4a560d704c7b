// Decimal units, as Finder and most download pages show them: the label then matches the number.
const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

const oneDecimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

/** A byte count as people read it: "512 B", "1.2 MB", "340 GB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  // Three significant digits are enough to recognise a file; more is noise that jitters during progress.
  const text = unit === 0 || value >= 100 ? whole.format(value) : oneDecimal.format(value);
  return `${text} ${units[unit]}`;
}
