import { expect, test } from '@playwright/test';
import { hiddenCharactersShowEscaped } from '../flows/hidden-characters.ts';
import { webShellForThisFile } from '../web-shell.ts';

const shell = webShellForThisFile();

test('a name with a right-to-left override shows it escaped in the queue, the history and its dialogs', async ({
  page,
}) => {
  await page.goto(shell.url);
  await expect(page.getByLabel('Upload to')).toHaveValue('sandbox');
  await hiddenCharactersShowEscaped(page);
});
