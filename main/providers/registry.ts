import type { Provider } from './provider.ts';

type AnyProvider = Provider<unknown, unknown>;

/**
 * Every provider adapter by id (the ids of shared/catalog.ts), each imported on first use: a command
 * that uses no account's protocol (`ferry accounts list`, `ferry history`) loads none of them, which
 * saves a short command about 30 ms. Tests may swap an entry.
 */
export const providerLoaders: Record<string, () => Promise<AnyProvider>> = {
  'tencent-im': async () =>
    (await import('./tencent-im/pic-up-provider.ts')).picUpProvider as unknown as AnyProvider,
  easemob: async () =>
    (await import('./easemob/chatfiles-provider.ts')).easemobProvider as unknown as AnyProvider,
  s3: async () => (await import('./s3/s3-provider.ts')).s3Provider as unknown as AnyProvider,
  tus: async () => (await import('./tus/tus-provider.ts')).tusProvider as unknown as AnyProvider,
  'im-file-api': async () =>
    (await import('./im-file-api/im-file-provider.ts')).imFileApiProvider as unknown as AnyProvider,
  'oppo-push': async () =>
    (await import('./oppo-push/oppo-push-provider.ts')).oppoPushProvider as unknown as AnyProvider,
};

/** The adapter for a provider id; undefined for an id this Ferry does not know. */
export async function loadProvider(id: string): Promise<AnyProvider | undefined> {
  const load = Object.hasOwn(providerLoaders, id) ? providerLoaders[id] : undefined;
  return load ? await load() : undefined;
}
