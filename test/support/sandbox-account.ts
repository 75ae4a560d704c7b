import { providerCatalog } from '../../shared/catalog.ts';
import { emulatedProvider, type EmulatorKey } from '../../main/sandbox/sandbox.ts';

/**
 * An `accounts.add` request from what the sandbox prints for one emulator: its keys are the catalog's
 * field names, split into settings and secrets as the catalog says. Throws for a key the catalog lacks,
 * so a sandbox that prints something unusable fails loudly.
 */
export function accountFromEndpoint(
  key: EmulatorKey,
  endpoint: Record<string, unknown>,
  more: Record<string, string> = {},
): { providerId: string; name: string; fields: Record<string, string>; secrets: Record<string, string> } {
  const providerId = emulatedProvider[key];
  const entry = providerCatalog.find((provider) => provider.id === providerId);
  if (!entry) throw new Error(`no catalog entry for ${providerId}`);
  const fields: Record<string, string> = { ...more };
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(endpoint)) {
    const field = entry.fields.find((candidate) => candidate.key === name);
    if (!field) throw new Error(`${key} prints "${name}", which is not a field of ${providerId}`);
    (field.secret ? secrets : fields)[name] = String(value);
  }
  return { providerId, name: `sandbox ${key}`, fields, secrets };
}
