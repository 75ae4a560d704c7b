import { easemobProvider } from './easemob/chatfiles-provider.ts';
import { imFileApiProvider } from './im-file-api/im-file-provider.ts';
import { oppoPushProvider } from './oppo-push/oppo-push-provider.ts';
import type { Provider } from './provider.ts';
import { picUpProvider } from './tencent-im/pic-up-provider.ts';
import { s3Provider } from './s3/s3-provider.ts';
import { tusProvider } from './tus/tus-provider.ts';

/** Every provider adapter by id (the ids of shared/catalog.ts). */
export const providerRegistry: Readonly<Record<string, Provider<never, never>>> = {
  [picUpProvider.id]: picUpProvider as unknown as Provider<never, never>,
  [easemobProvider.id]: easemobProvider as unknown as Provider<never, never>,
  [s3Provider.id]: s3Provider as unknown as Provider<never, never>,
  [tusProvider.id]: tusProvider as unknown as Provider<never, never>,
  [imFileApiProvider.id]: imFileApiProvider as unknown as Provider<never, never>,
  [oppoPushProvider.id]: oppoPushProvider as unknown as Provider<never, never>,
};
