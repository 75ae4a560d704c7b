import { isProviderId, type ProviderId } from '../../shared/catalog.ts';
import type { AnyProvider } from './provider.ts';

/**
 * Every provider adapter by its catalog id (shared/catalog.ts), each imported on first use: a command
 * that uses no account's protocol (`ferry accounts list`, `ferry history`) loads none of them, which
 * saves a short command about 30 ms. An id without a loader, or a loader under an id the catalog
 * lacks, is a type error. Tests may swap an entry.
 */
export const providerLoaders: Record<ProviderId, () => Promise<AnyProvider>> = {
  'tencent-im': async () => (await import('./tencent-im/pic-up-provider.ts')).picUpProvider,
  easemob: async () => (await import('./easemob/chatfiles-provider.ts')).easemobProvider,
  s3: async () => (await import('./s3/s3-provider.ts')).s3Provider,
  tus: async () => (await import('./tus/tus-provider.ts')).tusProvider,
  'im-file-api': async () => (await import('./im-file-api/im-file-provider.ts')).imFileApiProvider,
  'oppo-push': async () => (await import('./oppo-push/oppo-push-provider.ts')).oppoPushProvider,
};

/** The adapter for a provider id as stored or requested (a plain string); undefined for an id this Ferry does not know. */
export async function loadProvider(id: string): Promise<AnyProvider | undefined> {
  return isProviderId(id) ? await providerLoaders[id]() : undefined;
}
