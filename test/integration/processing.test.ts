import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntryView } from '../../shared/models.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

let harness: ServiceHarness;

beforeEach(async () => {
  harness = await startServiceHarness();
});

afterEach(() => harness.close());

/** A phone-like photo: 1600×1200 stored, EXIF orientation 6, with a GPS position. */
async function phonePhoto(name: string): Promise<string> {
  const path = join(harness.filesDir, name);
  await sharp({
    create: {
      width: 32,
      height: 24,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .resize(1600, 1200, { kernel: 'cubic' })
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'FerryCam' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100' },
    })
    .toFile(path);
  return path;
}

function entries(): HistoryEntryView[] {
  return harness.events.flatMap((event) => (event.name === 'history.added' ? [event.payload.entry] : []));
}

describe('images made ready before they leave, through the service and the Sandbox emulator', () => {
  it("the drop's settings convert and fit the photo; the history says what was removed; the staged copy goes", async () => {
    const { service, emulator } = harness;
    const photo = await phonePhoto('IMG_0001.jpg');
    await service.dispatch('uploads.add', {
      paths: [photo],
      accountId: 'sandbox',
      processing: { format: 'webp', maxWidth: 800, maxHeight: 800 },
    });
    await service.idle();
    const [entry] = entries();
    expect(entry).toMatchObject({ name: 'IMG_0001.webp', details: { metadataRemoved: 'location' } });
    expect(entry!.details.originalSize).toBeGreaterThan(entry!.size);
    const [object] = await emulator.listObjects();
    expect(object!.size).toBe(entry!.size);
    expect(readdirSync(join(harness.dataDir, 'processed'))).toEqual([]);
  });

  it('"upload original" sends the file as it is', async () => {
    const { service, emulator } = harness;
    const photo = await phonePhoto('IMG_0002.jpg');
    const { size } = statSync(photo);
    await service.dispatch('uploads.add', { paths: [photo], accountId: 'sandbox', process: false });
    await service.idle();
    const [object] = await emulator.listObjects();
    expect(object!.size).toBe(size);
    expect(entries()[0]!.details.metadataRemoved).toBeUndefined();
  });

  it('the same bytes twice: the second comes back with the first links and no request; force uploads again', async () => {
    const { service, emulator } = harness;
    const photo = await phonePhoto('IMG_0003.jpg');
    await service.dispatch('uploads.add', { paths: [photo], accountId: 'sandbox' });
    await service.idle();
    const requestsAfterFirst = emulator.stats().requests;
    expect(requestsAfterFirst).toBeGreaterThan(0);

    await service.dispatch('uploads.add', { paths: [photo], accountId: 'sandbox' });
    await service.idle();
    expect(emulator.stats().requests).toBe(requestsAfterFirst);
    const [first, second] = entries();
    expect(second!.links).toEqual(first!.links);
    expect(second!.details).toMatchObject({
      alreadyUploadedAs: first!.id,
      alreadyUploadedAt: first!.createdAt,
    });
    expect(String(second!.details.note)).toMatch(/^already uploaded on \d{4}-\d\d-\d\d$/);

    await service.dispatch('uploads.add', { paths: [photo], accountId: 'sandbox', force: true });
    await service.idle();
    expect(emulator.stats().requests).toBeGreaterThan(requestsAfterFirst);
    expect(entries()[2]!.links).not.toEqual(first!.links);
    expect(existsSync(join(harness.dataDir, 'processed'))).toBe(true);
  });
});
