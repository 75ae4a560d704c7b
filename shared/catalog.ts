import { easemobCatalog } from './catalog/easemob.ts';
import { imFileApiCatalog } from './catalog/im-file-api.ts';
import { oppoPushCatalog } from './catalog/oppo-push.ts';
import { tencentImCatalog } from './catalog/tencent-im.ts';
import { s3Catalog } from './catalog/s3.ts';
import { tusCatalog } from './catalog/tus.ts';
import type { ProviderCatalogEntry } from './catalog-types.ts';
import { plainRemoteNaming, type RemoteNaming } from './remote-name.ts';

export type { CredentialField, ProviderCatalogEntry } from './catalog-types.ts';

/** Every provider a user can add an account for; one file per provider in shared/catalog/. */
export const providerCatalog = [
  tencentImCatalog,
  easemobCatalog,
  s3Catalog,
  tusCatalog,
  imFileApiCatalog,
  oppoPushCatalog,
] as const;

export type ProviderId = (typeof providerCatalog)[number]['id'];

const providerIds: ReadonlySet<string> = new Set(providerCatalog.map((provider) => provider.id));

/** Narrow a provider id that arrives as a plain string (an account row, a request) to a catalog id. */
export function isProviderId(value: string): value is ProviderId {
  return providerIds.has(value);
}

/** How a provider's remote names are made: its rules and default pattern, or a plain file name. */
export function remoteNamingOf(providerId: string): RemoteNaming {
  const entry: ProviderCatalogEntry | undefined = providerCatalog.find(
    (provider) => provider.id === providerId,
  );
  return entry?.remoteNaming ?? plainRemoteNaming;
}
