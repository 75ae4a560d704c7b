import { describe, expect, it } from 'vitest';
import { loadProvider, providerLoaders } from '../../../main/providers/registry.ts';
import { isProviderId, providerCatalog } from '../../../shared/catalog.ts';

describe('the provider registry', () => {
  it('loads one adapter per catalog entry, each under its own id', async () => {
    expect(Object.keys(providerLoaders).sort()).toEqual(providerCatalog.map((entry) => entry.id).sort());
    for (const entry of providerCatalog) expect((await loadProvider(entry.id))?.id).toBe(entry.id);
  });

  it('narrows catalog ids only, not names an object inherits', () => {
    expect(isProviderId('s3')).toBe(true);
    expect(isProviderId('tencent-im')).toBe(true);
    expect(isProviderId('dropbox')).toBe(false);
    expect(isProviderId('toString')).toBe(false);
  });

  it('knows no other id, not even an inherited property name', async () => {
    expect(await loadProvider('nope')).toBeUndefined();
    expect(await loadProvider('toString')).toBeUndefined();
  });
});
