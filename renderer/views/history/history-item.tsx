import { memo, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { escapeHidden } from '../../../shared/hidden-characters.ts';
import type { HistoryEntryView } from '../../../shared/models.ts';
import { CopyMenu } from '../../components/copy-menu.tsx';
import { Icon } from '../../components/icons.tsx';
import { FileNameText } from '../../components/file-name-text.tsx';
import { isWebUrl, primaryLink } from '../../models/history-list.ts';
import { FileTypeIcon } from './file-type-icon.tsx';
import { mediaTypeOf } from './history-model.ts';
import { EntrySize, ReusedNote } from './processing-note.tsx';

/** What every entry of one list shares; stable while the list scrolls. */
export interface HistoryItemContext {
  defaultFormatId: string;
  thumbnailUrl: (key: string) => string;
  formatDate: (ms: number) => string;
  /** The date alone, for the narrow grid tiles. */
  formatDay: (ms: number) => string;
  accountName: (id: string) => string;
  onDetails: (entry: HistoryEntryView) => void;
  onDelete: (entries: readonly HistoryEntryView[]) => void;
}

export interface HistoryItemProps extends HistoryItemContext {
  entry: HistoryEntryView;
  layout: 'grid' | 'list';
  /** Position in the list as shown; the grid finds the entry by it. */
  index: number;
  /** 1-based column in its row (aria-colindex). */
  column: number;
  selected: boolean;
  /** The one entry of the grid that Tab reaches (roving tab index). */
  tabbable: boolean;
  /** Enter opened its buttons: they are in the Tab order until Escape or the focus leaves. */
  acting: boolean;
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

/**
 * One history entry, as a list row or a grid tile: a grid cell that is selected by a click and focused
 * by the arrow keys. Its buttons are clickable but out of the Tab order until Enter opens them, so an
 * entry costs one key press, not five. Memoised because the virtual list re-renders on scroll.
 */
export const HistoryItem = memo(function HistoryItem(props: HistoryItemProps) {
  const { t } = useTranslation('history');
  const nameId = useId();
  const { entry } = props;
  const link = primaryLink(entry);
  const href = link !== null && isWebUrl(link.url) ? link.url : null;
  const compact = props.layout === 'grid';
  const tabIndex = props.acting ? 0 : -1;
  const label = (text: string) =>
    compact ? <span className="visually-hidden">{text}</span> : <span>{text}</span>;

  const actions = (
    <div className="history-actions">
      <CopyMenu
        entries={[entry]}
        defaultFormatId={props.defaultFormatId}
        describedBy={nameId}
        compact={compact}
        tabIndex={tabIndex}
      />
      {href === null ? null : (
        <a
          className="button small history-action"
          data-testid="history-open"
          href={href}
          target="_blank"
          rel="noopener noreferrer"
          aria-describedby={nameId}
          title={t('actions.open')}
          tabIndex={tabIndex}
        >
          <Icon name="open" size={14} />
          {label(t('actions.open'))}
        </a>
      )}
      <button
        type="button"
        className="button small history-action"
        aria-describedby={nameId}
        title={t('actions.details')}
        data-testid="history-details"
        tabIndex={tabIndex}
        onClick={() => props.onDetails(entry)}
      >
        <Icon name="details" size={14} />
        {label(t('actions.details'))}
      </button>
      <button
        type="button"
        className="button small history-action danger"
        aria-describedby={nameId}
        title={t('actions.delete')}
        data-testid="history-delete"
        tabIndex={tabIndex}
        onClick={() => props.onDelete([entry])}
      >
        <Icon name="delete" size={14} />
        {label(t('actions.delete'))}
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
      data-index={props.index}
      role="gridcell"
      aria-colindex={props.column}
      aria-selected={props.selected}
      tabIndex={props.tabbable ? 0 : -1}
    >
      {/* The mouse's way to add one entry to the selection; keyboard users have Space. */}
      <span className="history-check" data-select-toggle="" aria-hidden="true">
        {props.selected ? <Icon name="check" size={14} /> : null}
      </span>
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
