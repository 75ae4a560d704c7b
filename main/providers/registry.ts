import type { ProviderId } from '../../shared/catalog.ts';
import { easemobProvider } from './easemob/chatfiles-provider.ts';
import { imFileApiProvider } from './im-file-api/im-file-provider.ts';
import { oppoPushProvider } from './oppo-push/oppo-push-provider.ts';
import type { AnyProvider } from './provider.ts';
import { picUpProvider } from './tencent-im/pic-up-provider.ts';
import { s3Provider } from './s3/s3-provider.ts';
import { tusProvider } from './tus/tus-provider.ts';

/**
 * Every provider adapter by its catalog id (shared/catalog.ts): an id without an adapter, or an
 * adapter under an id the catalog lacks, is a type error.
 */
export const providerRegistry: Readonly<Record<ProviderId, AnyProvider>> = {
  'tencent-im': picUpProvider,
  easemob: easemobProvider,
  s3: s3Provider,
  tus: tusProvider,
  'im-file-api': imFileApiProvider,
  'oppo-push': oppoPushProvider,
};
