import type { StoreApi } from 'zustand/vanilla';
import type { SettingsPatch } from '../../shared/settings.ts';
import { targetAccount, type AppStore, type Question } from './app-store.ts';

/**
 * The questions a drop waits on before anything of it is uploaded. Each answer resolves the drop that
 * asked; the store holds only what to show (components/drop-questions.tsx).
 */
export interface DropQuestions {
  /**
   * The account `count` files go to: the one picked (or the only one), else the user's answer to
   * "which account?" (null: upload nothing). Undefined when there is no account at all. With
   * `remember` the account becomes the default: the one picked at once, the answer unless the user
   * unticks "use it from now on".
   */
  accountFor(count: number, options?: { remember?: boolean }): Promise<string | null | undefined>;
  /** The files to upload: empty ones only when the settings say so or the user agrees, asked once. */
  withoutUnwantedEmpty(files: readonly File[]): Promise<readonly File[]>;
  /** `remember` makes the account the default (settings.defaultAccountId). */
  answerAccount(id: string, accountId: string | null, remember: boolean): void;
  /** `always` stops the question for good (settings.uploadEmptyFiles). */
  answerEmpty(id: string, upload: boolean, always: boolean): void;
}

type AccountAnswer = { accountId: string; remember: boolean } | null;
type EmptyAnswer = { upload: boolean; always: boolean };

export function createDropQuestions(deps: {
  store: StoreApi<AppStore>;
  /** Saves a setting the user chose while answering. */
  updateSettings(patch: SettingsPatch): Promise<void>;
}): DropQuestions {
  const { store } = deps;
  let counter = 0;
  const waiting = new Map<string, (answer: never) => void>();

  const ask = <Answer>(question: Question): Promise<Answer> =>
    new Promise<Answer>((resolve) => {
      waiting.set(question.id, resolve as (answer: never) => void);
      store.getState().addQuestion(question);
    });
  const newId = (): string => `question-${++counter}`;
  const answer = <Answer>(id: string, value: Answer): void => {
    const resolve = waiting.get(id) as ((answer: Answer) => void) | undefined;
    waiting.delete(id);
    store.getState().removeQuestion(id);
    resolve?.(value);
  };

  return {
    accountFor: async (count, options = {}) => {
      const state = store.getState();
      const remember = options.remember === true;
      const target = targetAccount(state);
      if (target !== null) {
        if (remember && state.settings?.defaultAccountId !== target) {
          void deps.updateSettings({ defaultAccountId: target });
        }
        return target;
      }
      if (state.accounts.length === 0) return undefined;
      const choice = await ask<AccountAnswer>({ id: newId(), kind: 'account', count, remember });
      if (choice?.remember) void deps.updateSettings({ defaultAccountId: choice.accountId });
      return choice?.accountId ?? null;
    },
    withoutUnwantedEmpty: async (files) => {
      const empty = files.filter((file) => file.size === 0);
      if (empty.length === 0 || store.getState().settings?.uploadEmptyFiles === true) return files;
      const choice = await ask<EmptyAnswer>({
        id: newId(),
        kind: 'empty',
        names: empty.slice(0, 5).map((file) => file.name),
        total: empty.length,
      });
      if (choice.upload && choice.always) void deps.updateSettings({ uploadEmptyFiles: true });
      return choice.upload ? files : files.filter((file) => file.size > 0);
    },
    answerAccount: (id, accountId, remember) =>
      answer<AccountAnswer>(id, accountId === null ? null : { accountId, remember }),
    answerEmpty: (id, upload, always) => answer<EmptyAnswer>(id, { upload, always }),
  };
}
