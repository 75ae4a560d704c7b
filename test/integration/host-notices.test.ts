import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Notice } from '../../shared/contract.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

// A transport's own notice (the desktop's clipboard shortcut that another app holds), through a real service.

let harness: ServiceHarness;

beforeEach(async () => {
  harness = await startServiceHarness();
});

afterEach(() => harness.close());

const listed = async (): Promise<Notice[]> =>
  (await harness.service.dispatch('notices.list', {})) as Notice[];
const announced = (): Notice[] =>
  harness.events.flatMap((event) => (event.name === 'notice' ? [event.payload] : []));

describe('host notices', () => {
  it('are announced once, listed while they last, and gone when cleared', async () => {
    const { service } = harness;
    service.setHostNotice('shortcut-unavailable', 'Ctrl+Alt+Shift+U is taken.');
    service.setHostNotice('shortcut-unavailable', 'Ctrl+Alt+Shift+U is taken.');
    expect(announced()).toEqual([
      expect.objectContaining({ kind: 'shortcut-unavailable', message: 'Ctrl+Alt+Shift+U is taken.' }),
    ]);
    expect(await listed()).toEqual(announced());

    // Another message (another shortcut, another language) replaces it.
    service.setHostNotice('shortcut-unavailable', 'F9 is taken.');
    expect((await listed()).map((notice) => notice.message)).toEqual(['F9 is taken.']);

    service.setHostNotice('shortcut-unavailable', null);
    expect(await listed()).toEqual([]);
  });

  it('can be dismissed by the user', async () => {
    const { service } = harness;
    service.setHostNotice('shortcut-unavailable', 'taken');
    const [notice] = await listed();
    expect(await service.dispatch('notices.dismiss', { id: notice!.id })).toEqual({ dismissed: true });
    expect(await listed()).toEqual([]);
    expect(await service.dispatch('notices.dismiss', { id: notice!.id })).toEqual({ dismissed: false });
  });
});
