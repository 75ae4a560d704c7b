import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppActions, useAppState } from '../state/app-context.tsx';
import type { Question } from '../state/app-store.ts';

/** A question takes the focus when it appears (on `selector`), so the keyboard can answer it at once. */
function useFocusOnMount<T extends HTMLElement>(selector: string) {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>(selector)?.focus();
  }, [selector]);
  return ref;
}

/** "Upload N files to which account?": settings say "ask each time" and nothing was picked. */
function AccountQuestion(props: { question: Extract<Question, { kind: 'account' }> }) {
  const { t } = useTranslation('queue');
  const textId = useId();
  const accounts = useAppState((state) => state.accounts);
  const { answerAccount } = useAppActions();
  const [accountId, setAccountId] = useState(accounts[0]?.id ?? '');
  const [remember, setRemember] = useState(props.question.remember);
  const ref = useFocusOnMount<HTMLFormElement>('select');
  const { id } = props.question;
  return (
    <form
      ref={ref}
      className="banner is-question drop-question"
      role="alertdialog"
      aria-labelledby={textId}
      data-testid="account-question"
      onSubmit={(event) => {
        event.preventDefault();
        if (accountId !== '') answerAccount(id, accountId, remember);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') answerAccount(id, null, false);
      }}
    >
      <label className="banner-text" id={textId} htmlFor={`${textId}-account`}>
        {t('question.account', { count: props.question.count })}
      </label>
      <select
        id={`${textId}-account`}
        value={accountId}
        onChange={(event) => setAccountId(event.target.value)}
      >
        {accounts.map((account) => (
          <option key={account.id} value={account.id} translate="no">
            {account.name}
          </option>
        ))}
      </select>
      <label className="question-check">
        <input type="checkbox" checked={remember} onChange={(event) => setRemember(event.target.checked)} />
        {t('question.remember')}
      </label>
      <div className="banner-actions">
        <button type="submit" className="button primary small" data-testid="account-question-upload">
          {t('question.upload')}
        </button>
        <button type="button" className="button small" onClick={() => answerAccount(id, null, false)}>
          {t('question.cancel')}
        </button>
      </div>
    </form>
  );
}

/** "2 empty files (0 bytes): upload them too?": asked once for the whole drop. */
function EmptyQuestion(props: { question: Extract<Question, { kind: 'empty' }> }) {
  const { t } = useTranslation('queue');
  const textId = useId();
  const { answerEmpty } = useAppActions();
  const [always, setAlways] = useState(false);
  const ref = useFocusOnMount<HTMLDivElement>('button');
  const { id, names, total } = props.question;
  const more = total - names.length;
  return (
    <div
      ref={ref}
      className="banner is-question drop-question"
      role="alertdialog"
      aria-labelledby={textId}
      data-testid="empty-question"
      onKeyDown={(event) => {
        if (event.key === 'Escape') answerEmpty(id, false, false);
      }}
    >
      <p className="banner-text" id={textId}>
        {t('question.empty', { count: total })}{' '}
        <span className="muted" translate="no">
          {names.join(', ')}
        </span>
        {more > 0 ? <span className="muted"> {t('question.more', { count: more })}</span> : null}
      </p>
      <label className="question-check">
        <input type="checkbox" checked={always} onChange={(event) => setAlways(event.target.checked)} />
        {t('question.always')}
      </label>
      <div className="banner-actions">
        <button
          type="button"
          className="button primary small"
          data-testid="empty-question-upload"
          onClick={() => answerEmpty(id, true, always)}
        >
          {t('question.uploadEmpty', { count: total })}
        </button>
        <button
          type="button"
          className="button small"
          data-testid="empty-question-skip"
          onClick={() => answerEmpty(id, false, false)}
        >
          {t('question.skipEmpty', { count: total })}
        </button>
      </div>
    </div>
  );
}

/**
 * What a drop waits on before anything is uploaded, shown on every view (a drop is taken anywhere in
 * the window, so its question cannot wait for the queue to be opened).
 */
export function DropQuestions() {
  const questions = useAppState((state) => state.questions);
  if (questions.length === 0) return null;
  return (
    <div className="drop-questions">
      {questions.map((question) =>
        question.kind === 'account' ? (
          <AccountQuestion key={question.id} question={question} />
        ) : (
          <EmptyQuestion key={question.id} question={question} />
        ),
      )}
    </div>
  );
}
