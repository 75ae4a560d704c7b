// Locale catalogs are default exports so i18n.ts can load every namespace the same way.
/* eslint-disable no-restricted-syntax */

const processing = {
  title: 'Images before they leave',
  intro:
    'This account’s own choices; each one left at the app default follows Settings. Location (GPS) is stripped by default.',
  appDefault: 'App default',
  fields: {
    format: 'Convert to',
    quality: 'Quality (1–100)',
    maxSize: 'Fit inside (never enlarged)',
    stripMetadata: 'Metadata',
    watermarkText: 'Watermark text',
    rename: 'Remote name pattern',
    dedupe: 'Same picture twice',
  },
  options: {
    format: { keep: 'Keep the format', webp: 'WebP', avif: 'AVIF', jpeg: 'JPEG', png: 'PNG' },
    stripMetadata: {
      location: 'Strip location only',
      all: 'Strip all metadata',
      none: 'Keep all metadata',
    },
    dedupe: {
      true: 'Reuse the earlier links, no upload',
      false: 'Upload again',
    },
  },
  maxSizePlaceholder: 'e.g. 1920x1920 (app default)',
  watermarkPlaceholder: 'e.g. © me (app default)',
  renameOwnName: 'The file’s own name',
  renameHelp: 'This provider has no folders: only the part after the last “/” is used.',
  renameHelpFolders: '“/” makes folders. Times are UTC.',
  previewLabel: 'A photo would be named',
  previewS3: 'On S3 (with its folders):',
  settings: {
    enabled: 'Process images before upload (off: send files as they are)',
    maxSizeHint: 'WxH, e.g. 1920x1920; empty: no limit.',
    noLimit: 'No limit',
    none: 'None',
    keepSmallerOriginal: 'Send the original when the result would be larger (and nothing had to go)',
    renameHint: 'Empty: each provider’s own naming. Times are UTC.',
    dedupe: 'The same picture twice to one account: reuse the earlier links, no upload',
  },
  // Shown on an upload, in the queue and the history.
  sizes: '{{before}} → {{after}}',
  sizesTitle: 'Processed before upload: {{before}} became {{after}}',
  metadataRemoved: 'Removed: {{what}}',
  alreadyUploaded: 'Reused from {{date}}',
  alreadyUploadedTitle: 'The same bytes were uploaded on {{date}}; their links were reused, nothing was sent',
  uploadOriginals: 'Upload originals',
  uploadAgain: 'Upload again',
  uploadAgainHelp:
    'Files added while this is on are uploaded even if this account has the same bytes already (a reused link may have been deleted on the server).',
  uploadOriginalsHelp:
    'Files added while this is on are sent as they are: no conversion, resizing or stripping.',
};
export default processing;
