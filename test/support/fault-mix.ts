// The seeded random fault mix every provider's integration tests run, and what it must end with.
import { expect } from 'vitest';
import type { ErrorCode } from '../../shared/errors.ts';
import type { HistoryEntryView, TaskView } from '../../shared/models.ts';
import { prng } from './prng.ts';

/** A seeded random source for one mix; the printed seed replays a failing run (FERRY_FAULT_SEED). */
export function seededMix(label: string): {
  random: () => number;
  pick: <T>(items: readonly T[]) => T;
} {
  const seed = Number(process.env.FERRY_FAULT_SEED ?? Date.now() % 2 ** 31);
  console.log(`${label} fault mix seed: ${seed} (replay with FERRY_FAULT_SEED=${seed})`);
  const random = prng(seed);
  return { random, pick: (items) => items[Math.floor(random() * items.length)]! };
}

/**
 * Every file ended either done, with bytes identical to its source (read back through the provider's
 * own download path), or failed with one of the `allowed` reasons — and none is missing.
 */
export async function expectMixOutcome(
  outcome: { tasks: TaskView[]; entries: HistoryEntryView[] },
  files: ReadonlyArray<{ path: string; sha256: string }>,
  allowed: readonly ErrorCode[],
  download: (entry: HistoryEntryView) => Promise<string>,
): Promise<void> {
  for (const task of outcome.tasks) {
    expect(task.state).toBe('failed');
    expect(allowed).toContain(task.error?.code);
  }
  for (const entry of outcome.entries) {
    const source = files.find((f) => f.path.endsWith(`/${entry.name}`))!;
    expect(entry.sha256).toBe(source.sha256);
    expect(await download(entry)).toBe(source.sha256);
  }
  expect(outcome.tasks.length + outcome.entries.length).toBe(files.length);
}
