import type { ProviderCatalogEntry } from '../catalog-types.ts';

const regions = ['sgp', 'hk', 'usva', 'defra', 'jpn', 'bra'] as const;

/**
 * OPPO big picture / small icon registration through the push service's v4 Image API
 * (docs/providers.md#oppo-push-pictures).
 */
export const oppoPushCatalog = {
  id: 'oppo-push',
  name: 'OPPO push pictures',
  fields: [
    {
      key: 'baseUrl',
      label: 'API base URL',
      secret: false,
      required: false,
      kind: 'url',
      // Suggestions, not a closed list: another region or a proxy can be typed in.
      options: regions.map((region) => `https://pushapi-${region}.engagelab.com`),
      defaultValue: 'https://pushapi-sgp.engagelab.com',
      help: 'The region of your app: Singapore, Hong Kong, US Virginia, Frankfurt, Japan or Brazil.',
    },
    { key: 'appKey', label: 'AppKey', secret: false, required: true },
    { key: 'masterSecret', label: 'Master Secret', secret: true, required: true },
    {
      key: 'storageAccountId',
      label: 'Storage account',
      secret: false,
      required: true,
      help: 'The account the pictures are uploaded through first: OPPO fetches them by URL, so its links must be public.',
    },
    {
      key: 'pictures',
      label: 'Pictures',
      secret: false,
      required: false,
      kind: 'select',
      options: ['both', 'big', 'small'],
      defaultValue: 'both',
      help: 'big: 984×369 ≤ 1 MB; small: 144×144 icon ≤ 50 KB; both are made from each file.',
    },
    {
      key: 'format',
      label: 'Format',
      secret: false,
      required: false,
      kind: 'select',
      options: ['jpeg', 'png'],
      defaultValue: 'jpeg',
    },
    {
      key: 'crop',
      label: 'Crop',
      secret: false,
      required: false,
      kind: 'select',
      options: ['centre', 'attention'],
      defaultValue: 'centre',
      help: 'Where the crop to OPPO’s sizes keeps the picture: its centre, or what draws the eye (may suit photos of people, but can cut a banner’s subject off).',
    },
  ],
} as const satisfies ProviderCatalogEntry;
