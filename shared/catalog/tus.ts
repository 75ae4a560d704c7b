import type { ProviderCatalogEntry } from '../catalog-types.ts';
import { fieldCheck, headerName, httpUrlProblem } from '../field-checks.ts';

/** The link with {id} and {name} filled in must be a web address. */
const publicUrlTemplate = fieldCheck((value) =>
  value.includes('{id}')
    ? httpUrlProblem(value.replaceAll('{id}', 'id').replaceAll('{name}', 'name'))
    : 'must contain {id}, where the upload id goes',
);

/** Any tus 1.0 server (tusd, @tus/server, Cloudflare Stream, Supabase Storage, …): docs/providers.md#tus. */
export const tusCatalog = {
  id: 'tus',
  name: 'tus (resumable upload server)',
  fields: [
    {
      key: 'endpoint',
      label: 'Creation URL',
      secret: false,
      required: true,
      kind: 'url',
      placeholder: 'https://tus.example.com/files/',
      help: 'Where new uploads are created (the URL a tus client POSTs to).',
    },
    {
      key: 'chunkSize',
      label: 'Chunk size (bytes)',
      secret: false,
      required: false,
      kind: 'number',
      defaultValue: String(64 * 1024 * 1024),
      help: 'One request per chunk; an interrupted upload re-sends at most one chunk. A chunk that a proxy refuses as too large is sent again in halves.',
    },
    {
      key: 'authHeaderName',
      label: 'Auth header name',
      secret: false,
      required: false,
      defaultValue: 'Authorization',
      check: headerName,
    },
    {
      key: 'authHeaderValue',
      label: 'Auth header value',
      secret: true,
      required: false,
      placeholder: 'Bearer …',
      help: 'Sent on every request when set.',
    },
    {
      key: 'publicUrlTemplate',
      label: 'Public URL template',
      secret: false,
      required: false,
      placeholder: 'https://cdn.example.com/{id}',
      help: 'The link to share, with {id} (the upload id) and {name} (the file name). Empty: the upload URL itself.',
      check: publicUrlTemplate,
    },
  ],
} as const satisfies ProviderCatalogEntry;
