import { realpath } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { isInside } from '../file-names.ts';
import { CommandError } from '../contract-dispatch.ts';

/**
 * Which paths a door into the service may name. A path in a contract request is a string anyone on
 * that door could have typed; a door's policy decides whether it stands for a file the user meant
 * Ferry to read. Throws CommandError `path-not-granted` for the first batch that names another.
 */
export interface PathPolicy {
  admit(paths: readonly string[]): Promise<void>;
}

/** Where a path really is, links and `..` resolved; null when it does not exist or cannot be resolved. */
async function realPathOf(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
}

/** Whether `path` is `folder` or lies inside it (both absolute and normalised). */
function isWithin(folder: string, path: string): boolean {
  return relative(folder, path) === '' || isInside(folder, path);
}

function refused(paths: readonly string[], why: string): CommandError {
  const more = paths.length > 1 ? ` (and ${paths.length - 1} more)` : '';
  return new CommandError({ code: 'path-not-granted', message: `${why}: ${paths[0]}${more}.` });
}

/**
 * The paths Ferry was handed outside the contract: a drop or a pick the preload saw, the OS opening
 * files with Ferry, a native dialog, the command line's arguments. A granted folder grants what lies
 * inside it, compared where each really is (links and `..` resolved), so neither `<folder>/../x` nor
 * a link inside the folder pointing out of it escapes. Folders Ferry writes itself (staging) are
 * granted from the start. Grants live as long as the service: a restart forgets them.
 */
export class PathGrants implements PathPolicy {
  /** Each granted path as given (made absolute), for a granted file that is gone by upload time. */
  readonly #given = new Set<string>();
  /** Where granted paths really are. */
  readonly #real = new Set<string>();
  /** Grants still being resolved: a check waits for them, so a grant made just before it counts. */
  readonly #pending = new Set<Promise<void>>();

  constructor(ownFolders: readonly string[]) {
    this.grant(ownFolders);
  }

  /** Synchronous on purpose: a grant registered before a command arrives is seen by that command. */
  grant(paths: readonly string[]): void {
    for (const path of paths) {
      const absolute = resolve(path);
      if (this.#given.has(absolute)) continue;
      this.#given.add(absolute);
      const resolving = realPathOf(absolute).then((real) => {
        if (real !== null) this.#real.add(real);
        this.#pending.delete(resolving);
      });
      this.#pending.add(resolving);
    }
  }

  async admit(paths: readonly string[]): Promise<void> {
    await Promise.all(this.#pending);
    const verdicts = await Promise.all(paths.map((path) => this.#admits(path)));
    const outside = paths.filter((_, index) => !verdicts[index]);
    if (outside.length > 0) {
      throw refused(outside, "Ferry was not handed this file (drop it on Ferry's window or choose it there)");
    }
  }

  async #admits(path: string): Promise<boolean> {
    const absolute = resolve(path);
    const real = await realPathOf(absolute);
    if (real === null) {
      // Nothing is there to read: let the engine report it as gone, if it was granted.
      return [...this.#ancestors(absolute)].some((folder) => this.#given.has(folder));
    }
    return [...this.#ancestors(real)].some((folder) => this.#real.has(folder));
  }

  *#ancestors(path: string): Generator<string> {
    for (let current = path; ; current = dirname(current)) {
      yield current;
      if (dirname(current) === current) return;
    }
  }
}

/**
 * Any path but those inside `folder`, wherever links lead: the local API's rule for Ferry's own data
 * folder (vault key, database, backups, logs, staged copies), which no editor has a reason to upload.
 */
export function pathsOutside(folder: string, why: string): PathPolicy {
  const folderReal = realPathOf(folder);
  return {
    async admit(paths) {
      const lexical = resolve(folder);
      const real = (await folderReal) ?? lexical;
      const verdicts = await Promise.all(
        paths.map(async (path) => {
          const absolute = resolve(path);
          const target = (await realPathOf(absolute)) ?? absolute;
          return !isWithin(lexical, absolute) && !isWithin(real, target);
        }),
      );
      const inside = paths.filter((_, index) => !verdicts[index]);
      if (inside.length > 0) throw refused(inside, why);
    },
  };
}
