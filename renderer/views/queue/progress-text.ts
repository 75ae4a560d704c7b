import type { TFunction } from 'i18next';
import { formatBytes } from '../../models/format-bytes.ts';

export function percent(done: number, total: number): number {
  return total === 0 ? 0 : Math.min(100, Math.floor((done / total) * 100));
}

export function formatSpeed(t: TFunction<'queue'>, bytesPerSecond: number | null): string | null {
  if (bytesPerSecond === null || bytesPerSecond <= 0) return null;
  return t('queue:row.speed', { speed: formatBytes(bytesPerSecond) });
}

/** "42 s left", "3 min 5 s left", "2 h 10 min left": rounded up, never "0 s" while bytes remain. */
export function formatEta(t: TFunction<'queue'>, etaSeconds: number | null): string | null {
  if (etaSeconds === null || !Number.isFinite(etaSeconds)) return null;
  const total = Math.max(1, Math.ceil(etaSeconds));
  if (total < 60) return t('queue:row.etaSeconds', { seconds: total });
  if (total < 3600)
    return t('queue:row.etaMinutes', { minutes: Math.floor(total / 60), seconds: total % 60 });
  return t('queue:row.etaHours', {
    hours: Math.floor(total / 3600),
    minutes: Math.floor((total % 3600) / 60),
  });
}
