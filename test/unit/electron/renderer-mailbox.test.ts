import { describe, expect, it } from 'vitest';
import { RendererMailbox } from '../../../main/electron/renderer-mailbox.ts';
import type { FerryEvent } from '../../../shared/contract.ts';

describe('RendererMailbox (main-side messages to a window that may not listen yet)', () => {
  it('holds messages until the window sends its first command, then delivers them once', () => {
    const delivered: FerryEvent[] = [];
    const mailbox = new RendererMailbox((event) => delivered.push(event));
    mailbox.windowCreated();
    mailbox.openFiles(['/a.png', '/b.png']);
    mailbox.openFiles(['/b.png', '/c.png']);
    mailbox.navigate('queue');
    mailbox.navigate('history');
    expect(delivered).toEqual([]);

    mailbox.windowListening();
    expect(delivered).toEqual([
      { name: 'app.openFiles', payload: { paths: ['/a.png', '/b.png', '/c.png'] } },
      { name: 'app.navigate', payload: { view: 'history' } },
    ]);
    mailbox.windowListening();
    expect(delivered).toHaveLength(2);

    // A listening window gets messages at once; a new window waits again.
    mailbox.navigate('settings');
    expect(delivered.at(-1)).toEqual({ name: 'app.navigate', payload: { view: 'settings' } });
    mailbox.windowCreated();
    mailbox.navigate('accounts');
    expect(delivered).toHaveLength(3);
  });

  it('splits a huge list into events the contract accepts', () => {
    const delivered: FerryEvent[] = [];
    const mailbox = new RendererMailbox((event) => delivered.push(event));
    mailbox.openFiles(Array.from({ length: 10_001 }, (_, i) => `/f/${i}`));
    mailbox.windowListening();
    expect(
      delivered.map((event) => (event.name === 'app.openFiles' ? event.payload.paths.length : 0)),
    ).toEqual([10_000, 1]);
  });
});
