// pino-roll ships no types; this is the part of its API Ferry uses (pino-roll 4, README "Options").
declare module 'pino-roll' {
  import type { EventEmitter } from 'node:events';

  interface PinoRollOptions {
    /** Base path; the roll number and `extension` are appended: ferry.1.log, ferry.2.log, … */
    file: string;
    /** Roll when the current file reaches this size: a number of MB, or '5m', '500k'. */
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    symlink?: boolean;
    /** Passed on to sonic-boom. */
    mkdir?: boolean;
    mode?: number;
    sync?: boolean;
  }

  /** A sonic-boom stream that reopens the next numbered file when the current one is full. */
  interface RollStream extends EventEmitter {
    write(line: string): boolean;
    flush(callback?: (error?: Error) => void): void;
    end(): void;
    readonly destroyed: boolean;
    /** The file being written; changes when a roll has reopened the next one. */
    readonly file: string | null;
  }

  function pinoRoll(options: PinoRollOptions): Promise<RollStream>;
  export = pinoRoll;
}
