import { remoteNamingOf } from '../../../shared/catalog.ts';
import {
  accountProcessingPrefix,
  processingPatchFromFields,
  type OutputFormat,
} from '../../../shared/processing.ts';
import { RemoteNameError, renderRemoteName } from '../../../shared/remote-name.ts';
import type { AccountView } from '../../../shared/models.ts';

/** The processing settings the account form offers, as the account's `process.` fields name them. */
export const processingFormKeys = [
  'format',
  'quality',
  'maxSize',
  'stripMetadata',
  'watermarkText',
  'rename',
  'dedupe',
] as const;
export type ProcessingFormKey = (typeof processingFormKeys)[number];

/** Empty: the app's default (Settings), which the account does not override. */
export type ProcessingFormValues = Record<ProcessingFormKey, string>;

export function initialProcessingValues(account: AccountView | null): ProcessingFormValues {
  const values = {} as ProcessingFormValues;
  for (const key of processingFormKeys)
    values[key] = account?.fields[`${accountProcessingPrefix}${key}`] ?? '';
  return values;
}

/**
 * The account fields the form's processing values make: for a new account the ones set; for an edit
 * the ones changed, an emptied one as '' so that the main side removes it (back to the app's default).
 */
export function processingFieldPatch(
  values: ProcessingFormValues,
  account: AccountView | null,
): Record<string, string> {
  const patch: Record<string, string> = {};
  for (const key of processingFormKeys) {
    const field = `${accountProcessingPrefix}${key}`;
    const value = values[key].trim();
    if (account === null ? value !== '' : value !== (account.fields[field] ?? '')) patch[field] = value;
  }
  return patch;
}

/** Each value the main side would refuse, in the words it would refuse it with. */
export function processingProblems(values: ProcessingFormValues): Partial<Record<ProcessingFormKey, string>> {
  const problems: Partial<Record<ProcessingFormKey, string>> = {};
  for (const key of processingFormKeys) {
    const value = values[key].trim();
    if (value === '') continue;
    try {
      processingPatchFromFields({ [key]: value });
    } catch (error) {
      problems[key] = (error as Error).message;
    }
  }
  return problems;
}

/** A made-up photo for the preview: what a phone would call it. */
export const previewSourceName = 'IMG_2041.jpg';
const previewDigest = '3f2a9c41d07be8156a4c2e90f7d3b1a8c6e5f40219d8b7a3e6c1f0d9b2a4c8e7';
const previewUuid = '0b6f3c1e-8a2d-4f7b-9c5e-1d2a3b4c5d6e';

const extensionOf: Readonly<Record<Exclude<OutputFormat, 'keep'>, string>> = {
  webp: '.webp',
  avif: '.avif',
  jpeg: '.jpg',
  png: '.png',
};

/**
 * What the pattern names the preview photo on this provider, with the same function the engine uses;
 * an empty pattern shows the provider's default (or the file's own name). `format` changes the
 * extension as processing would. Random parts are fixed so that the preview does not flicker.
 */
export function renamePreview(
  pattern: string,
  providerId: string,
  format: string,
  now: Date,
): { name: string } | { problem: string } {
  const naming = remoteNamingOf(providerId);
  const used = pattern.trim() || naming.defaultPattern;
  const extension = format in extensionOf ? extensionOf[format as keyof typeof extensionOf] : '.jpg';
  const name = previewSourceName.replace(/\.jpg$/, extension);
  if (used === '') return { name };
  try {
    const values = {
      name,
      time: now,
      sha256: previewDigest,
      uuid: previewUuid,
      random: (length: number) => previewDigest.split('').reverse().join('').slice(0, length),
    };
    return { name: renderRemoteName(used, values, naming) };
  } catch (error) {
    if (error instanceof RemoteNameError) return { problem: error.message };
    throw error;
  }
}
