import { providerCatalog } from '../../shared/catalog.ts';
import { accountProcessingPrefix } from '../../shared/processing.ts';
import type { HelpTopic } from './args.ts';
import { secretEnvName } from './secrets.ts';

const dataDirLine =
  "  --data-dir <dir>     Ferry data folder (default: the desktop app's, e.g. ~/.config/Ferry)";

function providerFields(): string {
  return providerCatalog
    .map((provider) => {
      const lines = provider.fields.map((field) => {
        const where = field.secret ? `secret; env ${secretEnvName(field.key)}` : 'setting';
        return `    ${field.key.padEnd(14)} ${field.label} (${where}${field.required ? ', required' : ''})`;
      });
      return `  ${provider.id} — ${provider.name}\n${lines.join('\n')}`;
    })
    .join('\n');
}

/** The processing fields every account takes, over the app's defaults (shared/processing.ts). */
const processingFields = `Processing fields (any provider; each over the app's default for this account only):
    ${accountProcessingPrefix}enabled=true|false    ${accountProcessingPrefix}format=keep|webp|avif|jpeg|png    ${accountProcessingPrefix}quality=1-100
    ${accountProcessingPrefix}lossless=true|false   ${accountProcessingPrefix}maxSize=WxH (never enlarged)
    ${accountProcessingPrefix}stripMetadata=location|all|none   ${accountProcessingPrefix}keepSmallerOriginal=true|false
    ${accountProcessingPrefix}watermarkText=TEXT    ${accountProcessingPrefix}watermarkImage=PATH    ${accountProcessingPrefix}watermarkPosition=bottom-right|...
    ${accountProcessingPrefix}rename=PATTERN        remote names: {name} {ext} {yyyy} {mm} {dd} {hh} {mi} {ss} (UTC)
                              {timestamp} {hash:N} {uuid} {rand:N}; '/' makes folders on S3 only
    ${accountProcessingPrefix}dedupe=true|false     the same bytes again come back as the earlier links`;

const sandboxNote = `The built-in "Sandbox" account uploads to an emulator that runs inside this ferry process:
its links only work while a Ferry process (this command, the app or the web shell) is running.`;

export function helpText(topic: HelpTopic): string {
  switch (topic) {
    case 'main':
      return `ferry — upload files to IM/push providers' file services from the command line

Usage:
  ferry accounts add <provider> --name <name> --field key=value ...
  ferry accounts set <name|id> --field key=value ...
  ferry accounts list [--json]
  ferry accounts test <name|id> [--json]
  ferry accounts remove <name|id> [--json]
  ferry upload <paths...> --account <name|id> [--json] [--concurrency N]
  ferry resume [--json]
  ferry history [--search q] [--limit N] [--json]
  ferry --version

Every command takes --data-dir <dir> and --help. The command line works on the same data as the
desktop app (accounts, history, unfinished uploads), but not while the app has the folder open.

Exit codes: 0 success, 1 a file failed (or Ferry could not run), 2 usage error, 3 the command ran but
Ferry found its database damaged at start and data was lost (stderr says what, and where the damaged
copy is; only the run that found it), 130 interrupted.

${sandboxNote}
`;
    case 'accounts':
      return `Usage:
  ferry accounts add <provider> --name <name> --field key=value ...
  ferry accounts set <name|id> --field key=value ...
  ferry accounts list [--json]
  ferry accounts test <name|id> [--json]
  ferry accounts remove <name|id> [--json]

Run \`ferry accounts add --help\` for the providers and their fields.
`;
    case 'accounts add':
      return `Usage: ferry accounts add <provider> --name <name> --field key=value ... [--json]

Add an account. Settings and secrets are both given by key; secrets are encrypted in the data folder
and never printed.

Secrets are best given through the environment, FERRY_SECRET_<KEY> (the key upper-cased), e.g.
  FERRY_SECRET_USERSIG=... ferry accounts add tencent-im --name prod --field baseUrl=...
On a terminal, a required secret that is missing is asked for without echo. A secret given with
--field works too, but your shell history may keep it (ferry warns).

Providers and fields:
${providerFields()}

${processingFields}

Options:
  --name <name>        Name to pick the account by (\`ferry upload --account <name>\`)
  --field key=value    One setting or secret; repeat for each
  --json               Print the new account as JSON
${dataDirLine}
`;
    case 'accounts set':
      return `Usage: ferry accounts set <name|id> --field key=value ... [--json]

Change an account's settings or secrets. An empty value (\`--field process.format=\`) removes the
account's own setting: a processing one falls back to the app's default. The result is checked as a
new account is; a bad value is refused with the reason and nothing changes.

Example:
  ferry accounts set prod --field process.format=webp --field process.maxSize=1920x1920

${processingFields}

Options:
  --field key=value    One setting or secret; repeat for each
  --json               Print the account as JSON
${dataDirLine}
`;
    case 'accounts list':
      return `Usage: ferry accounts list [--json]

List accounts: name, provider, id and which secrets are set (never their values).

${sandboxNote}

Options:
  --json               One JSON array of accounts
${dataDirLine}
`;
    case 'accounts test':
      return `Usage: ferry accounts test <name|id> [--json]

Test an account's saved credentials with the provider's cheapest authenticated request (nothing is
uploaded). Prints "connection OK", or the reason with the provider's own error code and message.

Options:
  --json               One JSON object: {"account","ok":true} or
                       {"account","ok":false,"unsupported","error":{"code","message",...}}
${dataDirLine}

Exit code 0 if the connection works, 1 if not (or the provider has no connection test).
`;
    case 'accounts remove':
      return `Usage: ferry accounts remove <name|id> [--json]

Remove an account and its encrypted secrets. Its history entries are kept. Refused while the account
has queued, running or paused uploads (cancel them, or let them finish, first); the built-in Sandbox
account cannot be removed.

Options:
  --json               One JSON object: {"removed","name"}
${dataDirLine}
`;
    case 'upload':
      return `Usage: ferry upload <paths...> --account <name|id> [--json] [--concurrency N]

Upload files and wait until each is done, failed or cancelled. On a terminal each file shows a
progress line; otherwise one line per file is printed as it finishes.

If interrupted (Ctrl-C), unfinished uploads are kept: \`ferry resume\` (or the app) finishes them
from where they stopped.

Options:
  -a, --account <name|id>  Account to upload to (see \`ferry accounts list\`)
  --json               One JSON line per file when it finishes:
                       {"path","status":"done"|"failed"|"cancelled","name","size","links",
                        "remoteId","sha256","error":{"code","message","providerMessage"?}|null}
  --concurrency N      Files uploaded at once (default 3)
Processing, over the account's settings for this run:
  --convert webp|avif|jpeg|png|keep   --quality 1-100   --max-size WxH (never enlarged)
  --strip-metadata location|all|none  (default: location)   --watermark-text TEXT
  --rename PATTERN     Remote names, e.g. '{yyyy}/{mm}/{hash:12}.{ext}' ('/' makes folders on S3 only):
                       {name} {ext} {yyyy} {mm} {dd} {hh} {mi} {ss} (UTC) {timestamp} {hash:N} {uuid} {rand:N}
  --no-process         Send the files as they are
  --force              Upload again bytes this account already has (default: reuse their links)
${dataDirLine}

Exit code 0 if every file was uploaded, 1 if any failed, 2 for a usage error (e.g. unknown account).

${sandboxNote}
`;
    case 'resume':
      return `Usage: ferry resume [--json]

Finish the uploads an earlier run left unfinished (interrupted, crashed, or the app closed), from
where the server says they stopped, and report each file like \`ferry upload\`. Paused uploads stay
paused.

Options:
  --json               One JSON line per file, as \`ferry upload --json\`
${dataDirLine}
`;
    case 'history':
      return `Usage: ferry history [--search q] [--limit N] [--json]

Uploaded files, newest first: time, name, size, first link.

Options:
  -s, --search <q>     Only entries whose name, link or remote id contains q
  -n, --limit <N>      How many entries (default 20)
  --json               One JSON line per history entry
${dataDirLine}
`;
  }
}
