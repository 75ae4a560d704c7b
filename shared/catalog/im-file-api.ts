import type { ProviderCatalogEntry } from '../catalog-types.ts';
import { httpBaseUrl, noSpaces, oneOf } from '../field-checks.ts';

/**
 * An IM server's file API that hands out pre-signed object-storage tickets (docs/providers.md#im-file-api).
 */
export const imFileApiCatalog = {
  id: 'im-file-api',
  name: 'IM server file API (pre-signed storage)',
  fields: [
    {
      key: 'baseUrl',
      label: 'IM server URL',
      secret: false,
      required: true,
      kind: 'url',
      placeholder: 'https://im.example.com/api',
      check: httpBaseUrl,
    },
    // Ids travel as header and query values.
    { key: 'appId', label: 'App ID (app_id)', secret: false, required: true, check: noSpaces },
    {
      key: 'accessToken',
      label: 'Access token',
      secret: true,
      required: true,
      help: 'When it expires (error 402), log in again and paste the new token here.',
    },
    {
      key: 'userId',
      label: 'Act as user ID',
      secret: false,
      required: false,
      help: 'Only with an admin token: upload as this user (user_id header).',
      check: noSpaces,
    },
    {
      key: 'groupId',
      label: 'Act as group admin of group ID',
      secret: false,
      required: false,
      help: 'Only with an admin token: upload as the admin of this group (group_id header).',
      check: noSpaces,
    },
    {
      key: 'targetKind',
      label: 'Upload as',
      secret: false,
      required: false,
      kind: 'select',
      options: ['chat', 'user-avatar', 'group-avatar'],
      defaultValue: 'chat',
      help: 'A chat file for a user or group, or a new user / group avatar.',
    },
    {
      key: 'toId',
      label: 'Recipient ID (to_id) or avatar group ID',
      secret: false,
      required: false,
      help: 'Required for chat files and group avatars.',
      check: noSpaces,
    },
    {
      key: 'toType',
      label: 'Recipient type',
      secret: false,
      required: false,
      kind: 'select',
      options: ['user', 'group'],
      defaultValue: 'user',
      // The protocol's own numbers are taken too (to_type 1 user, 2 group).
      check: oneOf(['user', 'group', '1', '2']),
    },
    {
      key: 'sharedFile',
      label: 'Upload as a shared file',
      secret: false,
      required: false,
      kind: 'boolean',
      defaultValue: 'false',
      help: 'Uses the shared-file types (200-203) instead of the chat-file types (100-104).',
    },
  ],
} as const satisfies ProviderCatalogEntry;
