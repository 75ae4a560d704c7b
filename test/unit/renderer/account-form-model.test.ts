import { describe, expect, it } from 'vitest';
import { s3Catalog } from '../../../shared/catalog/s3.ts';
import { tusCatalog } from '../../../shared/catalog/tus.ts';
import type { AccountView } from '../../../shared/models.ts';
import {
  addRequest,
  checkForm,
  initialFieldValues,
  updateRequest,
} from '../../../renderer/views/accounts/account-form-model.ts';

const account: AccountView = {
  id: 'a1',
  providerId: 'tus',
  name: 'Mine',
  isSandbox: false,
  fields: { endpoint: 'https://tus.example.com/files/', authHeaderName: 'Authorization' },
  secretsSet: { authHeaderValue: true },
  needsReentry: false,
};

describe('account form model', () => {
  it('starts a new account with the catalog defaults and an edit with the saved settings, never secrets', () => {
    const fresh = initialFieldValues(s3Catalog.fields, null);
    expect(fresh['region']).toBe('us-east-1');
    expect(fresh['pathStyle']).toBe('false');
    expect(fresh).not.toHaveProperty('secretAccessKey');
    const edit = initialFieldValues(tusCatalog.fields, account);
    expect(edit['endpoint']).toBe('https://tus.example.com/files/');
    expect(edit['chunkSize']).toBe('');
    expect(edit).not.toHaveProperty('authHeaderValue');
  });

  it('reports missing required fields and secrets, bad numbers and non-web URLs', () => {
    const values = { ...initialFieldValues(s3Catalog.fields, null), endpoint: 'ftp://x', maxParts: 'ten' };
    const problems = checkForm(s3Catalog.fields, values, new Set(), {}, null);
    expect(problems).toEqual(
      expect.arrayContaining([
        { key: 'endpoint', kind: 'url' },
        { key: 'bucket', kind: 'required' },
        { key: 'accessKeyId', kind: 'required' },
        { key: 'secretAccessKey', kind: 'required' },
        { key: 'maxParts', kind: 'number' },
      ]),
    );
    const filled = {
      ...values,
      endpoint: 'https://s3.example.com',
      maxParts: '1000',
      bucket: 'my-bucket',
      accessKeyId: 'k',
    };
    expect(checkForm(s3Catalog.fields, filled, new Set(['secretAccessKey']), {}, null)).toEqual([]);
  });

  it('refuses what the service refuses, with the same reason (shared/field-checks.ts)', () => {
    const values = {
      ...initialFieldValues(s3Catalog.fields, null),
      endpoint: 'https://s3.example.com',
      bucket: 'my-bucket',
      accessKeyId: 'AK ID',
      keyPrefix: '../x/',
      publicBaseUrl: 'https://cdn.example.com/#top',
    };
    expect(checkForm(s3Catalog.fields, values, new Set(['secretAccessKey']), {}, null)).toEqual([
      { key: 'keyPrefix', kind: 'invalid', message: "must not contain '..' segments" },
      { key: 'accessKeyId', kind: 'invalid', message: 'must not contain spaces' },
      { key: 'publicBaseUrl', kind: 'invalid', message: 'must not have a #fragment' },
    ]);
  });

  it('a saved required secret satisfies the form unless it is unreadable', () => {
    const s3Account = { ...account, providerId: 's3', secretsSet: { secretAccessKey: true } };
    const values = { endpoint: 'https://s3.example.com', bucket: 'my-bucket', accessKeyId: 'k' };
    expect(checkForm(s3Catalog.fields, values, new Set(), {}, s3Account)).toEqual([]);
    expect(checkForm(s3Catalog.fields, values, new Set(), {}, { ...s3Account, needsReentry: true })).toEqual([
      { key: 'secretAccessKey', kind: 'required' },
    ]);
  });

  it('adds with every non-empty setting and only the secrets typed', () => {
    const values = { ...initialFieldValues(tusCatalog.fields, null), endpoint: ' https://t.example/files/ ' };
    const request = addRequest('tus', ' New ', tusCatalog.fields, values, { authHeaderValue: 'Bearer x' });
    expect(request.name).toBe('New');
    expect(request.fields['endpoint']).toBe('https://t.example/files/');
    expect(request.fields).not.toHaveProperty('publicUrlTemplate');
    expect(request.secrets).toEqual({ authHeaderValue: 'Bearer x' });
  });

  it('updates as a patch: changed settings only, untouched secrets absent, cleared ones null', () => {
    const values = initialFieldValues(tusCatalog.fields, account);
    expect(updateRequest(account, 'Mine', tusCatalog.fields, values, {}, {})).toEqual({ id: 'a1' });

    const changed = { ...values, authHeaderName: '' };
    const patch = updateRequest(
      account,
      'Renamed',
      tusCatalog.fields,
      changed,
      {},
      { authHeaderValue: 'clear' },
    );
    expect(patch).toEqual({
      id: 'a1',
      name: 'Renamed',
      fields: { authHeaderName: '' },
      secrets: { authHeaderValue: null },
    });
    const replaced = updateRequest(
      account,
      'Mine',
      tusCatalog.fields,
      values,
      { authHeaderValue: 'new' },
      {
        authHeaderValue: 'replace',
      },
    );
    expect(replaced).toEqual({ id: 'a1', secrets: { authHeaderValue: 'new' } });
  });
});
