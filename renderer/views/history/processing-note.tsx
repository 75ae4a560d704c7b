import { useTranslation } from 'react-i18next';
import type { HistoryEntryView } from '../../../shared/models.ts';
import { formatBytes } from '../../models/format-bytes.ts';

/**
 * An entry's size, as "before → after" when its bytes were processed before they left (the details
 * main/engine/upload-engine.ts records), with what was removed in the tooltip.
 */
export function EntrySize(props: { entry: HistoryEntryView }) {
  const { t } = useTranslation('processing');
  const { details, size } = props.entry;
  const original = details['originalSize'];
  if (typeof original !== 'number') return <>{formatBytes(size)}</>;
  const sizes = { before: formatBytes(original), after: formatBytes(size) };
  const removed = details['metadataRemoved'];
  return (
    <span
      data-testid="history-processed"
      title={[
        t('sizesTitle', sizes),
        typeof removed === 'string' ? t('metadataRemoved', { what: removed }) : '',
      ]
        .filter(Boolean)
        .join('\n')}
    >
      {t('sizes', sizes)}
    </span>
  );
}

/** "Already uploaded on …" when the same bytes were found and their earlier links reused. */
export function ReusedNote(props: { entry: HistoryEntryView; formatDay: (ms: number) => string }) {
  const { t } = useTranslation('processing');
  const reusedFrom = props.entry.details['alreadyUploadedAt'];
  if (typeof reusedFrom !== 'number') return null;
  const date = props.formatDay(reusedFrom);
  return (
    <span className="history-reused" data-testid="history-reused" title={t('alreadyUploadedTitle', { date })}>
      {' · '}
      {t('alreadyUploaded', { date })}
    </span>
  );
}
