import type { z } from 'zod';
import type { ProviderCatalogEntry } from '../../shared/catalog.ts';
import { describeFieldProblem, fieldProblems } from '../../shared/field-checks.ts';
import { UploadError } from '../net/upload-error.ts';

/**
 * An account's settings as an adapter's config: first the checks the account form makes too
 * (shared/field-checks.ts), then the adapter's own schema (defaults, conversions, rules that join
 * fields). Every refusal names the field by its label and key, so the form, the service and the CLI
 * say the same thing.
 */
export function parseAccountConfig<T>(
  entry: ProviderCatalogEntry,
  schema: z.ZodType<T>,
  fields: Readonly<Record<string, string>>,
): T {
  const problems = fieldProblems(entry.fields, fields);
  if (problems.length > 0) throw invalidConfig(problems.map(describeFieldProblem));
  const parsed = schema.safeParse(fields);
  if (parsed.success) return parsed.data;
  throw invalidConfig(
    parsed.error.issues.map((issue) => {
      const key = issue.path[0];
      const field = entry.fields.find((candidate) => candidate.key === key);
      return field === undefined
        ? `${entry.name}: ${issue.message}`
        : describeFieldProblem({ key: field.key, label: field.label, message: issue.message });
    }),
  );
}

function invalidConfig(messages: readonly string[]): UploadError {
  return new UploadError({ code: 'invalid-request', message: messages.join('; ') });
}
