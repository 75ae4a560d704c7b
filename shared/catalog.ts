/**
 * What the renderer needs to know about each provider to draw account forms and label results. The
 * protocol itself lives in main/providers/.
 */
export interface CredentialField {
  key: string;
  label: string;
  /** Secret fields are write-only from the renderer's side and encrypted at rest. */
  secret: boolean;
  required: boolean;
  placeholder?: string;
}

export interface ProviderCatalogEntry {
  id: string;
  name: string;
  fields: readonly CredentialField[];
}

export const providerCatalog = [
  {
    id: 'tencent-im',
    name: 'Tencent Cloud IM',
    fields: [
      {
        key: 'baseUrl',
        label: 'API base URL',
        secret: false,
        required: true,
        placeholder: 'https://console.tim.qq.com',
      },
      { key: 'sdkAppId', label: 'SDKAppID', secret: false, required: true },
      { key: 'identifier', label: 'Identifier (admin account)', secret: false, required: true },
      { key: 'userSig', label: 'UserSig', secret: true, required: true },
      { key: 'fromAccount', label: 'From account', secret: false, required: true },
      { key: 'toAccount', label: 'To account or group id', secret: false, required: true },
    ],
  },
] as const satisfies readonly ProviderCatalogEntry[];

export type ProviderId = (typeof providerCatalog)[number]['id'];
