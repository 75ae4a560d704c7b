import type { ProviderCatalogEntry } from '../catalog-types.ts';
import { httpBaseUrl, noSpaces, pathSegment } from '../field-checks.ts';

/**
 * Easemob (环信) chat files (docs/providers.md#easemob). Limits (10 MiB per file, 100 requests/s per app
 * key) are the adapter's capabilities in main/providers/easemob/.
 */
export const easemobCatalog = {
  id: 'easemob',
  name: 'Easemob (环信) chat files',
  fields: [
    {
      key: 'baseUrl',
      label: 'REST API host',
      secret: false,
      required: true,
      kind: 'url',
      placeholder: 'https://a1.easemob.com',
      help: 'The REST host of your app’s cluster, from the Easemob console.',
      check: httpBaseUrl,
    },
    // Both become segments of every request's path.
    { key: 'orgName', label: 'Org name', secret: false, required: true, check: pathSegment },
    { key: 'appName', label: 'App name', secret: false, required: true, check: pathSegment },
    { key: 'clientId', label: 'Client ID', secret: false, required: true, check: noSpaces },
    { key: 'clientSecret', label: 'Client secret', secret: true, required: true },
    {
      key: 'restrictAccess',
      label: 'Restrict access (share-secret needed to download)',
      secret: false,
      required: false,
      kind: 'boolean',
      defaultValue: 'true',
      help: 'Needs the restricted-access feature enabled for your app by Easemob.',
    },
    {
      key: 'thumbnailWidth',
      label: 'Thumbnail width (px)',
      secret: false,
      required: false,
      kind: 'number',
      defaultValue: '170',
    },
    {
      key: 'thumbnailHeight',
      label: 'Thumbnail height (px)',
      secret: false,
      required: false,
      kind: 'number',
      defaultValue: '170',
    },
  ],
} as const satisfies ProviderCatalogEntry;
