import { describe, expect, it } from 'vitest';
import { loadProvider, providerLoaders } from '../../../main/providers/registry.ts';
import { providerCatalog } from '../../../shared/catalog.ts';

describe('the provider registry', () => {
  it('loads an adapter for every catalog entry, under the same id', async () => {
    expect(Object.keys(providerLoaders).sort()).toEqual(providerCatalog.map((entry) => entry.id).sort());
    for (const entry of providerCatalog) expect((await loadProvider(entry.id))?.id).toBe(entry.id);
  });

  it('knows no other id, not even an inherited property name', async () => {
    expect(await loadProvider('nope')).toBeUndefined();
    expect(await loadProvider('toString')).toBeUndefined();
  });
});
