import type { ZodType } from 'zod';
import type { RemoteNaming } from './remote-name.ts';

/**
 * A check of one setting's text beyond what its `kind` implies: a zod schema whose issue messages say
 * what is wrong ("must not contain '..' segments") without naming the field; the caller adds its label.
 */
export type FieldCheck = ZodType<unknown, string>;

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
  /**
   * How the form draws it; text when omitted. A select offers `options`; a boolean is 'true'/'false';
   * an account is another account of this Ferry, given by name or id and saved as its id.
   */
  kind?: 'text' | 'url' | 'number' | 'boolean' | 'select' | 'account';
  options?: readonly string[];
  /** Used when the user leaves the field empty. */
  defaultValue?: string;
  help?: string;
  /** Checked wherever the value is entered (the form, the service, the CLI through the service). */
  check?: FieldCheck;
}

export interface ProviderCatalogEntry {
  id: string;
  name: string;
  fields: readonly CredentialField[];
  /** What the provider allows for remote names, and its default pattern; absent: one plain file name. */
  remoteNaming?: RemoteNaming;
}
