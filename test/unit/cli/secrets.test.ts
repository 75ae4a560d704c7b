import { describe, expect, it } from 'vitest';
import { collectAccountInput, secretEnvName } from '../../../main/cli/secrets.ts';
import { providerCatalog } from '../../../shared/catalog.ts';

const tencent = providerCatalog[0];

describe('account input from the command line and the environment', () => {
  it('maps secret keys to FERRY_SECRET_<KEY>', () => {
    expect(secretEnvName('userSig')).toBe('FERRY_SECRET_USERSIG');
    expect(secretEnvName('client-secret.v2')).toBe('FERRY_SECRET_CLIENT_SECRET_V2');
  });

  it('sorts fields into settings and secrets, and takes a missing secret from the environment', () => {
    const input = collectAccountInput(
      tencent,
      [
        ['baseUrl', 'http://h'],
        ['unknownKey', 'v'],
      ],
      { FERRY_SECRET_USERSIG: 'from-env' },
    );
    expect(input).toEqual({
      fields: { baseUrl: 'http://h', unknownKey: 'v' },
      secrets: { userSig: 'from-env' },
      secretsOnCommandLine: [],
      missingSecrets: [],
    });
  });

  it('prefers a secret given on the command line, and flags it', () => {
    const input = collectAccountInput(tencent, [['userSig', 'typed']], { FERRY_SECRET_USERSIG: 'from-env' });
    expect(input.secrets).toEqual({ userSig: 'typed' });
    expect(input.secretsOnCommandLine).toEqual(['userSig']);
  });

  it('reports a required secret found nowhere (an empty variable counts as unset)', () => {
    const input = collectAccountInput(tencent, [], { FERRY_SECRET_USERSIG: '' });
    expect(input.missingSecrets.map((field) => field.key)).toEqual(['userSig']);
    expect(input.secrets).toEqual({});
  });
});
