import { test } from '@playwright/test';
import { historyRevealFlow, uploadForHistory } from '../flows/history-reveal.ts';
import { mainSideEvents } from '../flows/main-side-events.ts';
import { webShellForThisFile } from '../web-shell.ts';

const shell = webShellForThisFile();

test.use({ locale: 'en-US', viewport: { width: 1000, height: 700 } });

test('app.navigate with an entry (the "uploaded" notification): the history scrolls to it, focused and selected', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  const emit = await mainSideEvents(page);
  await page.goto(shell.url);
  const names = await uploadForHistory(page, 'reveal', 30);
  await historyRevealFlow(page, emit, names[0]!, names.at(-1)!, (name) =>
    page.screenshot({ path: testInfo.outputPath(`${name}.png`) }),
  );
});
