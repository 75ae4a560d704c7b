import { describe, expect, it } from 'vitest';
import { providerRegistry } from '../../../main/providers/registry.ts';
import { isProviderId, providerCatalog } from '../../../shared/catalog.ts';

describe('the provider registry', () => {
  it('holds one adapter per catalog entry, each under its own id', () => {
    expect(Object.keys(providerRegistry).sort()).toEqual(providerCatalog.map((entry) => entry.id).sort());
    for (const [id, provider] of Object.entries(providerRegistry)) expect(provider.id).toBe(id);
  });

  it('narrows catalog ids only, not names an object inherits', () => {
    expect(isProviderId('s3')).toBe(true);
    expect(isProviderId('tencent-im')).toBe(true);
    expect(isProviderId('dropbox')).toBe(false);
    expect(isProviderId('toString')).toBe(false);
  });
});
