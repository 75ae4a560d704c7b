// Locale catalogs are default exports so i18n.ts can load every namespace the same way.
/* eslint-disable no-restricted-syntax */
import { providerCatalog, type CredentialField } from '../../../../shared/catalog.ts';

const accounts = {
  title: 'Accounts',
  add: 'Add account',
  edit: 'Edit',
  listLabel: 'Accounts',
  retryFailed_one: 'Retry the failed upload',
  retryFailed_other: 'Retry the {{count}} failed uploads',
  empty: 'No accounts yet.',
  saved: 'Saved “<name/>”.',
  needsReentryText:
    'Its saved secrets cannot be read on this computer (the key changed). Edit the account and enter them again; uploads to it fail until then.',
  badges: {
    sandbox: 'Built in',
    needsReentry: 'Enter secrets again',
  },
  vault: {
    secure: 'Secrets are encrypted with the system’s keychain.',
    insecureTitle: 'Secrets are not protected by the system here',
    insecureText:
      'They are encrypted with a key kept in a file next to them (or the system offers only a plain-text store). Anyone who can read your user folder can read them. Prefer tokens you can revoke.',
    note: 'Technical details',
    kinds: {
      'os-keychain': 'System keychain',
      'key-file': 'Key file',
    },
  },
  secret: {
    tag: 'secret',
    set: 'Set',
    notSet: 'Not set',
    unreadable: 'Unreadable — enter it again',
    clearing: 'Will be removed on save',
    replace: 'Replace',
    clear: 'Clear',
    keep: 'Keep the saved one',
    undoClear: 'Keep it',
    replacePlaceholder: 'Type a new value to replace it',
    listLabel: 'Secrets',
  },
  test: {
    run: 'Test connection',
    running: 'Testing…',
    ok: 'Connection works.',
    failed: 'The test failed:',
    unsupported: 'This provider cannot be tested without uploading a file; nothing was sent.',
  },
  remove: {
    button: 'Remove',
    title: 'Remove “<name/>”?',
    question: 'Its saved settings and secrets are deleted. The history of its uploads is kept.',
    confirm: 'Remove',
  },
  form: {
    addTitle: 'Add an account',
    editTitle: 'Edit “<name/>”',
    provider: 'Provider',
    providerIs: 'Provider: {{name}}',
    name: 'Account name',
    required: 'required',
    cancel: 'Cancel',
    add: 'Add account',
    save: 'Save',
    saving: 'Saving…',
    testing: 'Testing the connection…',
    testFailed: 'Saved, but the connection test failed:',
    testFailedHint:
      'Fix the settings below and save again (the test runs after each save), or keep them as they are.',
    keepAnyway: 'Keep as saved',
    close: 'Close',
    none: '(none)',
    defaultOption: '(default)',
    secretsCleared: 'For safety the secrets you typed were cleared; enter them again.',
    problems: {
      required: 'Required.',
      number: 'Enter a number.',
      url: 'Enter an http:// or https:// URL.',
    },
  },
  options: {
    none: 'none',
    'content-md5': 'content-md5',
    presigned: 'Presigned',
    public: 'Public',
    chat: 'Chat file',
    'user-avatar': 'User avatar',
    'group-avatar': 'Group avatar',
    user: 'User',
    group: 'Group',
    both: 'Both',
    big: 'Big',
    small: 'Small',
    jpeg: 'JPEG',
    png: 'PNG',
    centre: 'Centre',
    attention: 'What draws the eye',
  },
  // Provider names and field texts are the catalog's own English, so they cannot drift from it; the
  // key-parity test makes every other language follow when the catalog grows.
  providers: Object.fromEntries(providerCatalog.map((provider) => [provider.id, provider.name])),
  fields: Object.fromEntries(
    providerCatalog.map((provider) => [
      provider.id,
      Object.fromEntries(
        provider.fields.map((field: CredentialField) => [
          field.key,
          field.help === undefined ? { label: field.label } : { label: field.label, help: field.help },
        ]),
      ),
    ]),
  ),
};
export default accounts;
