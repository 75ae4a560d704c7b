import { describe, expect, it } from 'vitest';
import { CommandError, dispatchCommand, type CommandHandlers } from '../../../main/contract-dispatch.ts';
import { commandSchemas } from '../../../shared/contract.ts';
import { commandNames } from '../../../shared/channels.ts';

function recordingHandlers(): { handlers: CommandHandlers; calls: Array<[string, unknown]> } {
  const calls: Array<[string, unknown]> = [];
  const handlers = Object.fromEntries(
    commandNames.map((name) => [
      name,
      async (request: unknown) => {
        calls.push([name, request]);
        return name === 'uploads.add' ? { taskIds: [] } : [];
      },
    ]),
  ) as unknown as CommandHandlers;
  return { handlers, calls };
}

async function refusal(promise: Promise<unknown>): Promise<CommandError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CommandError);
  return error as CommandError;
}

describe('contract validation', () => {
  it('has a schema for every command name and no extra ones', () => {
    expect(Object.keys(commandSchemas).sort()).toEqual([...commandNames].sort());
  });

  it('passes a valid uploads.add to its handler, parsed', async () => {
    const { handlers, calls } = recordingHandlers();
    await dispatchCommand(handlers, 'uploads.add', { paths: ['/tmp/a.png'], accountId: 'sandbox' });
    expect(calls).toEqual([['uploads.add', { paths: ['/tmp/a.png'], accountId: 'sandbox' }]]);
  });

  it('passes an accounts.update patch with a secret to clear (null) to its handler', async () => {
    const { handlers, calls } = recordingHandlers();
    await dispatchCommand(handlers, 'accounts.update', { id: 'a', secrets: { userSig: null, other: 'v' } });
    expect(calls).toEqual([['accounts.update', { id: 'a', secrets: { userSig: null, other: 'v' } }]]);
  });

  it('applies defaults (history.list limit)', async () => {
    const { handlers, calls } = recordingHandlers();
    await dispatchCommand(handlers, 'history.list', {});
    expect(calls[0]?.[1]).toEqual({ limit: 100 });
  });

  const malformed: Array<[string, unknown, RegExp]> = [
    ['uploads.add', { paths: [], accountId: 'sandbox' }, /paths/],
    ['uploads.add', { paths: ['/a'] }, /accountId/],
    ['uploads.add', { paths: 'not-an-array', accountId: 'sandbox' }, /paths/],
    ['uploads.add', { paths: [''], accountId: 'sandbox' }, /paths/],
    ['uploads.add', { paths: ['x'.repeat(4097)], accountId: 'sandbox' }, /paths/],
    ['uploads.add', { paths: [42], accountId: 'sandbox' }, /paths/],
    ['uploads.add', { paths: ['/a'], accountId: 'sandbox', extra: true }, /extra/],
    ['history.list', { limit: 0 }, /limit/],
    ['history.list', { limit: 1e9 }, /limit/],
    ['history.list', { cursor: 5 }, /cursor/],
    ['accounts.list', { anything: 1 }, /anything/],
    ['accounts.update', { id: 'a', extra: 1 }, /extra/],
    ['accounts.update', { id: 'a', secrets: { userSig: 5 } }, /secrets/],
    ['accounts.update', { id: 'a', name: '   ' }, /name/],
    ['accounts.update', { name: 'x' }, /id/],
    ['accounts.remove', {}, /id/],
    ['accounts.test', { id: '' }, /id/],
    ['vault.status', { secure: true }, /secure/],
    ['uploads.add', 'a string', /expected object/i],
  ];

  it.each(malformed)(
    'refuses a malformed %s payload %j before any handler runs',
    async (name, payload, detail) => {
      const { handlers, calls } = recordingHandlers();
      const error = await refusal(dispatchCommand(handlers, name, payload));
      expect(error.view.code).toBe('invalid-request');
      expect(error.view.message).toMatch(detail);
      expect(calls).toEqual([]);
    },
  );

  it('refuses an unknown command name, including prototype keys', async () => {
    const { handlers, calls } = recordingHandlers();
    for (const name of ['uploads.delete', '__proto__', 'constructor', 42, null]) {
      const error = await refusal(dispatchCommand(handlers, name, {}));
      expect(error.view.code).toBe('unknown-command');
    }
    expect(calls).toEqual([]);
  });
});
