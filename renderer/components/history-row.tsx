import { useId } from 'react';
import type { HistoryEntryView } from '../../shared/models.ts';
import { formatBytes } from '../models/format-bytes.ts';
import { isWebUrl, primaryLink } from '../models/history-list.ts';
import { CopyButton } from './copy-button.tsx';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function HistoryRow(props: { entry: HistoryEntryView }) {
  const { entry } = props;
  const nameId = useId();
  const link = primaryLink(entry);
  const created = new Date(entry.createdAt);

  return (
    <li className="history-row" data-testid="history-row">
      <div className="row-head">
        <span id={nameId} className="file-name">
          {entry.name}
        </span>
        <span className="file-size">{formatBytes(entry.size)}</span>
        <time className="row-time" dateTime={created.toISOString()}>
          {dateFormat.format(created)}
        </time>
      </div>
      <div className="link-line">
        {link === null ? (
          <span className="muted">No link returned</span>
        ) : isWebUrl(link.url) ? (
          <a
            className="link"
            data-testid="history-link"
            href={link.url}
            target="_blank"
            rel="noopener noreferrer"
          >
            {link.url}
          </a>
        ) : (
          <span className="link muted">{link.url}</span>
        )}
        {link === null ? null : <CopyButton text={link.url} describedBy={nameId} />}
      </div>
    </li>
  );
}
