import type { Provider } from './provider.ts';
import { picUpProvider } from './tencent-im/pic-up-provider.ts';

/** Every provider adapter by id (the ids of shared/catalog.ts). */
export const providerRegistry: Readonly<Record<string, Provider<never, never>>> = {
  [picUpProvider.id]: picUpProvider as unknown as Provider<never, never>,
};
