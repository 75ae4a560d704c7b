import { memo, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { escapeHidden } from '../../../shared/hidden-characters.ts';
import type { HistoryEntryView } from '../../../shared/models.ts';
import { FileNameText } from '../../components/file-name-text.tsx';
import { isWebUrl, primaryLink } from '../../models/history-list.ts';
import { CopyControl } from './copy-control.tsx';
import { FileTypeIcon } from './file-type-icon.tsx';
import { mediaTypeOf } from './history-model.ts';
import { EntrySize, ReusedNote } from './processing-note.tsx';

export interface HistoryItemProps {
  entry: HistoryEntryView;
  layout: 'grid' | 'list';
  defaultFormatId: string;
  thumbnailUrl: (key: string) => string;
  formatDate: (ms: number) => string;
  /** The date alone, for the narrow grid tiles. */
  formatDay: (ms: number) => string;
  accountName: (id: string) => string;
  onDetails: (entry: HistoryEntryView) => void;
  onDelete: (entry: HistoryEntryView) => void;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && name.length - dot <= 6 ? name.slice(dot + 1).toUpperCase() : '';
}

function Thumbnail(props: { entry: HistoryEntryView; thumbnailUrl: (key: string) => string }) {
  const { t } = useTranslation('history');
  const { entry } = props;
  const type = mediaTypeOf(entry.mimeType);
  if (entry.thumbnailKey !== undefined) {
    return (
      <img
        className="history-thumb-img"
        data-testid="history-thumbnail"
        src={props.thumbnailUrl(entry.thumbnailKey)}
        alt=""
        loading="lazy"
        decoding="async"
        draggable={false}
      />
    );
  }
  const extension = extensionOf(entry.name);
  return <FileTypeIcon type={type} label={extension || t(`types.${type}`)} isData={extension !== ''} />;
}

/** One history entry, as a list row or a grid tile; memoised because the virtual list re-renders on scroll. */
export const HistoryItem = memo(function HistoryItem(props: HistoryItemProps) {
  const { t } = useTranslation('history');
  const nameId = useId();
  const { entry } = props;
  const link = primaryLink(entry);
  const href = link !== null && isWebUrl(link.url) ? link.url : null;
  const compact = props.layout === 'grid';

  const open =
    href === null ? null : (
      <a
        className="button small history-action"
        data-testid="history-open"
        href={href}
        target="_blank"
        rel="noopener noreferrer"
        aria-describedby={nameId}
        title={t('actions.open')}
      >
        {compact ? <span aria-hidden="true">↗</span> : t('actions.open')}
        {compact ? <span className="visually-hidden">{t('actions.open')}</span> : null}
      </a>
    );
  const actions = (
    <div className="history-actions">
      <CopyControl
        entry={entry}
        defaultFormatId={props.defaultFormatId}
        describedBy={nameId}
        compact={compact}
      />
      {open}
      <button
        type="button"
        className="button small history-action"
        aria-describedby={nameId}
        title={t('actions.details')}
        data-testid="history-details"
        onClick={() => props.onDetails(entry)}
      >
        {compact ? <span aria-hidden="true">ⓘ</span> : t('actions.details')}
        {compact ? <span className="visually-hidden">{t('actions.details')}</span> : null}
      </button>
      <button
        type="button"
        className="button small history-action danger"
        aria-describedby={nameId}
        title={t('actions.delete')}
        data-testid="history-delete"
        onClick={() => props.onDelete(entry)}
      >
        {compact ? <span aria-hidden="true">✕</span> : t('actions.delete')}
        {compact ? <span className="visually-hidden">{t('actions.delete')}</span> : null}
      </button>
    </div>
  );
  const meta = (
    <span className="history-meta">
      <EntrySize entry={entry} /> ·{' '}
      {compact ? props.formatDay(entry.createdAt) : props.formatDate(entry.createdAt)}
      {compact ? null : (
        <>
          {' · '}
          <span translate="no">{props.accountName(entry.accountId)}</span>
          <ReusedNote entry={entry} formatDay={props.formatDay} />
        </>
      )}
    </span>
  );

  return (
    <div
      className={compact ? 'history-tile' : 'history-list-row'}
      data-testid="history-entry"
      data-entry-id={entry.id}
      role="listitem"
    >
      <div className="history-thumb">
        <Thumbnail entry={entry} thumbnailUrl={props.thumbnailUrl} />
      </div>
      <div className="history-text">
        <span id={nameId} className="history-name" title={escapeHidden(entry.name)} translate="no">
          <FileNameText name={entry.name} />
        </span>
        {meta}
      </div>
      {actions}
    </div>
  );
});
