import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { HistoryEntryView } from '../../../shared/models.ts';
import { FileNameText } from '../../components/file-name-text.tsx';
import { describeError, toErrorView } from '../../models/error-message.ts';
import { formatBytes } from '../../models/format-bytes.ts';
import { isWebUrl } from '../../models/history-list.ts';
import { useAppState } from '../../state/app-context.tsx';
import { useFerryApi } from './api-access.ts';

/** A modal <dialog> that is open exactly while `open` is true; Escape and the close button both call onClose. */
function Modal(props: {
  open: boolean;
  labelledBy: string;
  onClose: () => void;
  className?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className={`history-dialog ${props.className ?? ''}`}
      aria-labelledby={props.labelledBy}
      onClose={props.onClose}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      {props.open ? props.children : null}
    </dialog>
  );
}

/** What the provider returned for an entry: its links, remote id and details (picture ids and the like). */
export function HistoryDetailsDialog(props: {
  entry: HistoryEntryView | null;
  accountName: (id: string) => string;
  formatDate: (ms: number) => string;
  onClose: () => void;
}) {
  const { t } = useTranslation('history');
  const { entry } = props;
  return (
    <Modal
      open={entry !== null}
      labelledBy="history-details-title"
      onClose={props.onClose}
      className="is-wide"
    >
      {entry === null ? null : (
        <>
          <h3 id="history-details-title" className="history-dialog-title" translate="no">
            <FileNameText name={entry.name} />
          </h3>
          <dl className="history-facts" data-testid="history-details-panel">
            <dt>{t('details.provider')}</dt>
            <dd>{t(`accounts:providers.${entry.providerId}`, { defaultValue: entry.providerId })}</dd>
            <dt>{t('details.account')}</dt>
            <dd translate="no">{props.accountName(entry.accountId)}</dd>
            <dt>{t('details.remoteId')}</dt>
            <dd>
              <code data-testid="history-remote-id">{entry.remoteId || '—'}</code>
            </dd>
            <dt>{t('details.size')}</dt>
            <dd>{formatBytes(entry.size)}</dd>
            <dt>{t('details.type')}</dt>
            <dd>
              <code>{entry.mimeType}</code>
            </dd>
            <dt>{t('details.uploaded')}</dt>
            <dd>{props.formatDate(entry.createdAt)}</dd>
            <dt>{t('details.sha256')}</dt>
            <dd>
              <code className="history-hash">{entry.sha256}</code>
            </dd>
            {Object.entries(entry.details).map(([key, value]) => (
              <FactRow key={key} label={t(`details.keys.${key}`, { defaultValue: key })}>
                <code>{String(value)}</code>
              </FactRow>
            ))}
          </dl>
          {entry.links.length > 0 ? (
            <>
              <h4 className="history-dialog-subtitle">{t('details.links')}</h4>
              <ul className="history-links">
                {entry.links.map((link) => (
                  <li key={`${link.kind}:${link.url}`}>
                    <span className="history-link-kind">{t(`linkKinds.${link.kind}`)}</span>
                    {link.width !== undefined && link.height !== undefined ? (
                      <span className="muted">
                        {link.width}×{link.height}
                      </span>
                    ) : null}
                    {isWebUrl(link.url) ? (
                      <a className="link" href={link.url} target="_blank" rel="noopener noreferrer">
                        {link.url}
                      </a>
                    ) : (
                      <span className="link muted">{link.url}</span>
                    )}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <LocalFile entryId={entry.id} />
          <div className="history-dialog-actions">
            <button type="button" className="button" onClick={props.onClose}>
              {t('dialog.close')}
            </button>
          </div>
        </>
      )}
    </Modal>
  );
}

/**
 * "Show the local file": the app opens the OS file manager at it; the web shell (a browser cannot) and
 * a file that moved or came from an import show why it cannot, with the path where one is known.
 */
function LocalFile(props: { entryId: string }) {
  const { t } = useTranslation('history');
  const api = useFerryApi();
  const shell = useAppState((state) => state.shell);
  const [answer, setAnswer] = useState<
    { path: string | null; exists: boolean; shown: boolean } | { error: string } | null
  >(null);
  const show = async () => {
    try {
      setAnswer(await api.invoke('history.showLocalFile', { id: props.entryId }));
    } catch (error) {
      setAnswer({ error: describeError(toErrorView(error)) });
    }
  };
  let note: ReactNode = null;
  if (answer !== null) {
    if ('error' in answer) note = answer.error;
    else if (answer.path === null) note = t('localFile.unknown');
    else if (!answer.exists) note = t('localFile.missing');
    else if (!answer.shown) note = t('localFile.notShown');
  }
  // A browser hands Ferry a copy of each file and cannot open a file manager: say so, offer nothing.
  if (shell === 'browser') {
    return (
      <div className="history-local-file" data-testid="history-local-file">
        <p className="muted">{t('localFile.browser')}</p>
      </div>
    );
  }
  return (
    <div className="history-local-file" data-testid="history-local-file">
      <button type="button" className="button" onClick={() => void show()}>
        {t('localFile.show')}
      </button>
      {answer !== null && !('error' in answer) && answer.path !== null ? (
        <code className="history-hash" translate="no">
          {answer.path}
        </code>
      ) : null}
      {note !== null ? <p className="muted">{note}</p> : null}
    </div>
  );
}

function FactRow(props: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

/** Asks before forgetting entries; the remote files stay where they are, which the question says. */
export function HistoryDeleteDialog(props: {
  entries: readonly HistoryEntryView[] | null;
  onClose: () => void;
  onDeleted?: (ids: readonly string[]) => void;
}) {
  const { t } = useTranslation('history');
  const api = useFerryApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { entries, onClose } = props;

  const close = () => {
    setError(null);
    onClose();
  };
  const confirm = async () => {
    if (entries === null || entries.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const ids = entries.map((entry) => entry.id);
      // The list drops the rows when history.removed arrives, for every window alike.
      await api.invoke('history.delete', { ids });
      props.onDeleted?.(ids);
      onClose();
    } catch (failure) {
      setError(describeError(toErrorView(failure)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={entries !== null && entries.length > 0} labelledBy="history-delete-title" onClose={close}>
      {entries === null || entries.length === 0 ? null : (
        <>
          <h3 id="history-delete-title" className="history-dialog-title">
            {t('delete.title', { count: entries.length })}
          </h3>
          <p className="history-dialog-text">
            {/* The name is the user's data: its own element, so it is never taken for a translated string. */}
            {entries.length === 1 ? (
              <Trans
                t={t}
                i18nKey="delete.question"
                components={{
                  name: (
                    <strong translate="no">
                      <FileNameText name={entries[0]!.name} />
                    </strong>
                  ),
                }}
              />
            ) : (
              t('delete.questionMany', { count: entries.length })
            )}
          </p>
          <p className="history-dialog-text muted">{t('delete.remoteStays', { count: entries.length })}</p>
          {error !== null ? (
            <p className="row-error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="history-dialog-actions">
            <button type="button" className="button" onClick={close} disabled={busy}>
              {t('dialog.cancel')}
            </button>
            <button
              type="button"
              className="button danger-solid"
              data-testid="history-delete-confirm"
              disabled={busy}
              onClick={() => void confirm()}
            >
              {t('delete.confirm')}
            </button>
          </div>
        </>
      )}
    </Modal>
  );
}
