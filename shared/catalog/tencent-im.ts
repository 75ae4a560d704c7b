import type { ProviderCatalogEntry } from '../catalog-types.ts';
import { digits, httpBaseUrl, noSpaces } from '../field-checks.ts';

/** Tencent Cloud IM `pic_up` (docs/providers.md#tencent-cloud-im). */
export const tencentImCatalog = {
  id: 'tencent-im',
  name: 'Tencent Cloud IM',
  fields: [
    {
      key: 'baseUrl',
      label: 'API base URL',
      secret: false,
      required: true,
      kind: 'url',
      placeholder: 'https://console.tim.qq.com',
      check: httpBaseUrl,
    },
    { key: 'sdkAppId', label: 'SDKAppID', secret: false, required: true, check: digits },
    {
      key: 'identifier',
      label: 'Identifier (admin account)',
      secret: false,
      required: true,
      check: noSpaces,
    },
    { key: 'userSig', label: 'UserSig', secret: true, required: true },
    { key: 'fromAccount', label: 'From account', secret: false, required: true, check: noSpaces },
    { key: 'toAccount', label: 'To account or group id', secret: false, required: true },
  ],
} as const satisfies ProviderCatalogEntry;
