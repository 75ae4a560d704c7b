import { z } from 'zod';
import { remoteNamePatternProblem, remoteNamePatternShape } from './remote-name.ts';

/** What an image becomes before it is uploaded. `keep` re-encodes in the source's own format only when something must change. */
export const outputFormats = ['keep', 'webp', 'avif', 'jpeg', 'png'] as const;
export type OutputFormat = (typeof outputFormats)[number];

/** Which metadata goes: `location` (GPS and XMP, which can carry it) by default, `all`, or `none`. */
export const metadataStrips = ['location', 'all', 'none'] as const;
export type MetadataStrip = (typeof metadataStrips)[number];

export const watermarkPositions = [
  'top-left',
  'top',
  'top-right',
  'left',
  'centre',
  'right',
  'bottom-left',
  'bottom',
  'bottom-right',
] as const;
export type WatermarkPosition = (typeof watermarkPositions)[number];

/** The processing settings, whole: the global default in settings, overridden per account and per run. */
export const processingSettingsSchema = z.object({
  /** Off: files leave as they are (the rename pattern and dedupe still apply). */
  enabled: z.boolean(),
  format: z.enum(outputFormats),
  /** 1–100 for the lossy encoders (PNG: the zlib effort is fixed; quality applies when `lossless` is off for WebP/AVIF/JPEG). */
  quality: z.number().int().min(1).max(100),
  /** WebP and AVIF only; JPEG has no lossless mode and PNG is always lossless. */
  lossless: z.boolean(),
  /** Fit inside this box, never enlarged; 0 = no limit on that side. */
  maxWidth: z.number().int().min(0).max(100_000),
  maxHeight: z.number().int().min(0).max(100_000),
  stripMetadata: z.enum(metadataStrips),
  /** Empty: no text watermark. */
  watermarkText: z.string().max(200),
  /** A picture to lay over instead of text (a path on this machine); empty: none. */
  watermarkImage: z.string().max(4096),
  watermarkFont: z.string().max(100),
  /** Text height (or picture width) as a percentage of the image's shorter side. */
  watermarkSizePercent: z.number().min(1).max(50),
  /** CSS colour: #rgb, #rrggbb or a name. */
  watermarkColour: z.string().regex(/^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{1,30})$/),
  watermarkOpacity: z.number().min(0).max(1),
  watermarkPosition: z.enum(watermarkPositions),
  /** Margin from the edge, as a percentage of the shorter side. */
  watermarkMarginPercent: z.number().min(0).max(25),
  /** No watermark on images whose shorter side is below this many pixels (icons, emoji). */
  watermarkMinSide: z.number().int().min(0).max(100_000),
  /** When the result is bigger than the file, send the file (unless the file holds metadata that must go). */
  keepSmallerOriginal: z.boolean(),
  /** Remote name pattern (shared/remote-name.ts), made once per task. Empty: the provider's default. */
  rename: z
    .string()
    .max(500)
    // The reason first; the shape after it only so that a JSON Schema of the settings carries it.
    .superRefine((pattern, ctx) => {
      const problem = pattern === '' ? null : remoteNamePatternProblem(pattern);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    })
    .regex(remoteNamePatternShape),
  /** The same bytes to the same account come back as the earlier links, with no upload. */
  dedupe: z.boolean(),
});
export type ProcessingSettings = z.output<typeof processingSettingsSchema>;

export const defaultProcessingSettings: ProcessingSettings = {
  enabled: true,
  format: 'keep',
  quality: 85,
  lossless: false,
  maxWidth: 0,
  maxHeight: 0,
  stripMetadata: 'location',
  watermarkText: '',
  watermarkImage: '',
  watermarkFont: 'sans-serif',
  watermarkSizePercent: 4,
  watermarkColour: '#ffffff',
  watermarkOpacity: 0.6,
  watermarkPosition: 'bottom-right',
  watermarkMarginPercent: 2,
  watermarkMinSide: 200,
  keepSmallerOriginal: true,
  rename: '',
  dedupe: true,
};

export type ProcessingKey = keyof ProcessingSettings;
export const processingKeys = Object.keys(defaultProcessingSettings) as ProcessingKey[];

/**
 * An account's processing fields are text (accounts hold string fields) under this prefix, so that
 * they never meet a provider's own field of the same name (OPPO's `format`): `process.format=webp`.
 * Each one set on the account overrides the global default.
 */
export const accountProcessingPrefix = 'process.';

export function isProcessingFieldKey(key: string): boolean {
  return key.startsWith(accountProcessingPrefix);
}

function isProcessingKey(key: string): boolean {
  return key === 'maxSize' || (processingKeys as string[]).includes(key);
}

/** Parse `1920x1080`, `1920x` or `x1080` (0 = no limit on that side). */
export function parseMaxSize(text: string): { maxWidth: number; maxHeight: number } {
  const match = /^\s*(\d*)\s*[xX×]\s*(\d*)\s*$/.exec(text) ?? /^\s*(\d+)\s*$/.exec(text);
  if (!match)
    throw new Error(`"${text}" is not a size: write WxH, e.g. 1920x1080 (or 1920x for a width only).`);
  const width = Number(match[1] || 0);
  const height = match[2] === undefined ? width : Number(match[2] || 0);
  return { maxWidth: width, maxHeight: height };
}

function fieldValue(key: ProcessingKey, text: string): unknown {
  const kind = typeof defaultProcessingSettings[key];
  if (kind === 'boolean') {
    if (/^(true|yes|on|1)$/i.test(text)) return true;
    if (/^(false|no|off|0)$/i.test(text)) return false;
    return text;
  }
  if (kind === 'number') return text.trim() === '' ? text : Number(text);
  return text;
}

/**
 * Text fields (an account's, or a run's flags) as a checked patch of processing settings. Throws an
 * Error naming the field and what is wrong with it.
 */
export function processingPatchFromFields(
  fields: Readonly<Record<string, string>>,
  prefix = '',
): Partial<ProcessingSettings> {
  const patch: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(fields)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (!isProcessingKey(key)) {
      if (prefix !== '') throw new Error(`"${fullKey}" is not a processing setting.`);
      continue;
    }
    if (key === 'maxSize') {
      Object.assign(patch, parseMaxSize(text));
      continue;
    }
    patch[key] = fieldValue(key as ProcessingKey, text);
  }
  const parsed = processingSettingsSchema.partial().safeParse(patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Processing setting "${issue.path.join('.')}": ${issue.message}.`);
  }
  return parsed.data;
}

/** The settings a task runs with: global default, then the account's fields, then the run's overrides. */
export function resolveProcessing(
  global: ProcessingSettings,
  accountFields: Readonly<Record<string, string>>,
  overrides: Partial<ProcessingSettings> = {},
): ProcessingSettings {
  return { ...global, ...processingPatchFromFields(accountFields, accountProcessingPrefix), ...overrides };
}
