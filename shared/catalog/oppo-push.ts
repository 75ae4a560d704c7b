import type { ProviderCatalogEntry } from '../catalog-types.ts';
import { allOf, httpBaseUrl, noSpacesProblem } from '../field-checks.ts';

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
      check: httpBaseUrl,
    },
    {
      key: 'appKey',
      label: 'AppKey',
      secret: false,
      required: true,
      check: allOf(noSpacesProblem, (value) =>
        // Basic authentication joins it to the secret with a colon, so the server would split it there.
        value.includes(':') ? "must not contain ':' (Basic authentication puts one after it)" : undefined,
      ),
    },
    { key: 'masterSecret', label: 'Master Secret', secret: true, required: true },
    {
      key: 'storageAccountId',
      label: 'Storage account',
      secret: false,
      required: true,
      kind: 'account',
      help: 'The name or id of the account the pictures are uploaded through first: OPPO fetches them by URL, so its links must be public (S3, Tencent IM, tus, Easemob; not the IM file API).',
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
