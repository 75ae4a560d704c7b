import { describe, expect, it } from 'vitest';
import { createWindowRegistry } from '../../../main/electron/window-registry.ts';
import { FakeWebContents } from './fakes.ts';

describe('createWindowRegistry (fake WebContents: Electron binary unavailable)', () => {
  it('knows the contents it was given until they are destroyed', () => {
    const registry = createWindowRegistry<FakeWebContents>();
    const first = new FakeWebContents();
    const second = new FakeWebContents();
    registry.add(first);
    registry.add(second);
    expect(registry.has(first.id)).toBe(true);
    expect(registry.list()).toEqual([first, second]);

    first.destroy();
    expect(registry.has(first.id)).toBe(false);
    expect(registry.list()).toEqual([second]);
  });

  it('never trusts contents it was not given, nor ones already destroyed', () => {
    const registry = createWindowRegistry<FakeWebContents>();
    const dead = new FakeWebContents();
    dead.destroy();
    registry.add(dead);
    expect(registry.has(dead.id)).toBe(false);
    expect(registry.has(new FakeWebContents().id)).toBe(false);
  });
});
