import { tencentImCatalog } from './catalog/tencent-im.ts';

export type { CredentialField, ProviderCatalogEntry } from './catalog-types.ts';

/** Every provider a user can add an account for; one file per provider in shared/catalog/. */
export const providerCatalog = [tencentImCatalog] as const;

export type ProviderId = (typeof providerCatalog)[number]['id'];
