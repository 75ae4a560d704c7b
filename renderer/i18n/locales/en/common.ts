// Locale catalogs are default exports so i18n.ts can load every namespace the same way.
/* eslint-disable no-restricted-syntax */
const common = {
  appName: 'Ferry',
  nav: {
    label: 'Sections',
    queue: 'Queue',
    history: 'History',
    accounts: 'Accounts',
    settings: 'Settings',
  },
  account: {
    ask: 'Ask each time',
    label: 'Account',
    none: 'No accounts',
  },
  connection: {
    lost: 'Lost the connection to Ferry. Reconnecting…',
  },
  loadError: {
    retry: 'Try again',
  },
  notice: {
    dismiss: 'Dismiss',
    'database-restored':
      'Ferry’s database was damaged and has been restored from a backup; changes made after that backup are missing.',
    'database-reset':
      'Ferry’s database was damaged and no backup could be used: accounts, settings and history start empty.',
    'local-api-unavailable': 'The local upload API is not running.',
    'shortcut-unavailable': 'The shortcut that uploads the clipboard is not working.',
    openSettings: 'Open Settings',
    details: 'Details:',
  },
  copy: {
    copy: 'Copy',
    copied: 'Copied',
    failed: 'Copy failed',
    failedShort: 'Failed',
    as: 'Copy as {{format}}',
    menu: 'Copy as…',
    menuShort: 'As',
    default: 'default',
  },
  formats: {
    url: 'Link',
    markdown: 'Markdown',
    html: 'HTML',
    'tencent-im-message': 'Tencent IM message element (TIMImageElem / TIMFileElem)',
    'easemob-message-body': 'Easemob message body',
  },
  toast: {
    label: 'Messages',
    uploaded_one: '{{count}} file uploaded',
    uploaded_other: '{{count}} files uploaded',
    failed_one: '{{failed}} of {{count}} file failed',
    failed_other: '{{failed}} of {{count}} files failed',
    copy_one: 'Copy link',
    copy_other: 'Copy {{count}} links',
    show: 'Show in queue',
    dismiss: 'Dismiss',
  },
  missingToken: {
    before: 'This page needs the access link that',
    after: 'prints when it starts. Open that link (it ends in #token=…) to use Ferry in the browser.',
  },
  error: {
    providerSaid: 'Provider said:',
    providerCode: 'code {{code}}',
  },
  errors: {
    'invalid-request': 'Ferry refused the request as malformed.',
    'unknown-command': 'Ferry does not know this command.',
    'account-not-found': 'The account no longer exists.',
    'account-invalid': 'The account settings are not valid.',
    'credentials-unreadable': 'The account’s secrets cannot be read on this computer; enter them again.',
    'credentials-rejected': 'The provider refused the account’s credentials.',
    'file-too-large': 'The file is larger than the provider accepts.',
    'file-type-unsupported': 'The provider does not take this kind of file.',
    'image-invalid': 'The image cannot be read.',
    'image-budget-unmet': 'The image cannot be made small enough for the provider.',
    'file-not-found': 'The file is gone.',
    'path-not-granted': 'Ferry was not given this file: drop it on the window or choose it here.',
    'folder-unsupported': 'Folders cannot be uploaded as they are.',
    'file-unreadable': 'The file cannot be read.',
    'file-changed': 'The file changed while it was uploading.',
    'provider-rejected': 'The provider refused the upload.',
    'http-status': 'The provider answered with an error.',
    network: 'The network connection failed.',
    'malformed-response': 'The answer was not understood.',
    cancelled: 'The upload was cancelled.',
    internal: 'Something went wrong inside Ferry.',
  },
};
export default common;
