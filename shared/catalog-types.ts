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
  /** How the form draws it; text when omitted. A select offers `options`; a boolean is 'true'/'false'. */
  kind?: 'text' | 'url' | 'number' | 'boolean' | 'select';
  options?: readonly string[];
  /** Used when the user leaves the field empty. */
  defaultValue?: string;
  help?: string;
}

export interface ProviderCatalogEntry {
  id: string;
  name: string;
  fields: readonly CredentialField[];
}
