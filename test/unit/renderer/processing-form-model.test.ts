import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../../shared/models.ts';
import {
  initialProcessingValues,
  processingFieldPatch,
  processingProblems,
  renamePreview,
} from '../../../renderer/views/accounts/processing-form-model.ts';

const at = new Date('2026-07-09T03:04:05Z');

function account(fields: Record<string, string>): AccountView {
  return { fields } as unknown as AccountView;
}

describe('the account form processing fields', () => {
  it('previews with the engine’s function: S3 default, folders on S3 only, the format’s extension', () => {
    expect(renamePreview('', 's3', '', at)).toMatchObject({
      name: expect.stringMatching(/^2026\/07\/[0-9a-f]{16}-IMG_2041\.jpg$/),
    });
    expect(renamePreview('x/{yyyy}{mm}{dd}-{name}.{ext}', 's3', 'avif', at)).toEqual({
      name: 'x/20260709-IMG_2041.avif',
    });
    expect(renamePreview('x/{name}.{ext}', 'tus', 'webp', at)).toEqual({ name: 'IMG_2041.webp' });
    expect(renamePreview('', 'tus', 'png', at)).toEqual({ name: 'IMG_2041.png' });
    expect(renamePreview('{when}', 's3', '', at)).toEqual({
      problem: expect.stringMatching(/"\{when\}" is not a placeholder/),
    });
  });

  it('sends for a new account the values set, for an edit the changed ones ("" removes)', () => {
    const values = { ...initialProcessingValues(null), format: 'webp', rename: '{uuid}.{ext}' };
    expect(processingFieldPatch(values, null)).toEqual({
      'process.format': 'webp',
      'process.rename': '{uuid}.{ext}',
    });
    const saved = account({ 'process.format': 'webp', 'process.quality': '80', endpoint: 'x' });
    const edited = { ...initialProcessingValues(saved), quality: '', dedupe: 'false' };
    expect(initialProcessingValues(saved)).toMatchObject({ format: 'webp', quality: '80' });
    expect(processingFieldPatch(edited, saved)).toEqual({ 'process.quality': '', 'process.dedupe': 'false' });
  });

  it('refuses what the service would, in its words, per field', () => {
    const values = { ...initialProcessingValues(null), quality: '120', maxSize: 'big', format: 'webp' };
    const problems = processingProblems(values);
    expect(Object.keys(problems).sort()).toEqual(['maxSize', 'quality']);
    expect(problems.maxSize).toMatch(/WxH/);
  });
});
