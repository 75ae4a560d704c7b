// pino-roll ships no types; referenced here so every tsconfig that reaches this file sees them.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./pino-roll.d.ts" />
import { join } from 'node:path';
import { pino, type DestinationStream, type Level } from 'pino';
import pinoRoll from 'pino-roll';
import { SecretRedactor } from './redactor.ts';

export type LogFields = Record<string, unknown>;

/**
 * Ferry's log: pino JSON lines in which every registered secret value, and anything under a
 * secret-looking key or parameter, is "[redacted]" before the line reaches any destination.
 */
export interface FerryLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** The vault registers every secret value it decrypts or receives here. */
  readonly redactor: SecretRedactor;
  /** Resolves once every line written so far is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface LogFileOptions {
  dir: string;
  /** A file is rolled over at this size; 5 MB by default. */
  maxFileBytes?: number;
  /** Files kept, the current one included; 3 by default, so the log never takes more than 15 MB. */
  maxFiles?: number;
}

export interface LoggerOptions {
  /** The rotating log file; none when omitted. */
  file?: LogFileOptions;
  /** More destinations for the same, already redacted, lines (a terminal, a test's capture). */
  streams?: DestinationStream[];
  level?: Level;
  redactor?: SecretRedactor;
}

export const logFileBase = 'ferry';
export const logFileExtension = '.log';

/** Where a data folder's log files live: <dataDir>/logs/ferry.1.log, ferry.2.log, … */
export function logDirOf(dataDir: string): string {
  return join(dataDir, 'logs');
}

/**
 * pino-roll rolls over only between event-loop turns (after the stream drains), so a burst of lines
 * within one turn (an error storm, a loop over 100,000 files) would all land in one file, far past
 * its size and the log folder's cap. Lines arriving once the current file is full and before the
 * roll has happened are dropped and counted; the next file starts with how many were lost.
 */
export function capFileSize(
  roll: Awaited<ReturnType<typeof pinoRoll>>,
  maxFileBytes: number,
): DestinationStream {
  let currentFile = roll.file;
  let fileBytes = 0;
  let dropped = 0;
  return {
    write(line: string) {
      if (roll.file !== currentFile) {
        currentFile = roll.file;
        fileBytes = 0;
        if (dropped > 0) {
          const notice = JSON.stringify({
            level: 40,
            time: new Date().toISOString(),
            pid: process.pid,
            msg: `${dropped} log lines were dropped: they came faster than the log could rotate.`,
          });
          fileBytes += Buffer.byteLength(notice) + 1;
          roll.write(`${notice}\n`);
          dropped = 0;
        }
      }
      if (fileBytes >= maxFileBytes) {
        dropped++;
        return;
      }
      fileBytes += Buffer.byteLength(line);
      roll.write(line);
    },
  };
}

export async function createLogger(options: LoggerOptions = {}): Promise<FerryLogger> {
  const redactor = options.redactor ?? new SecretRedactor();
  const level = options.level ?? 'info';
  const file = options.file;
  const roll = file
    ? await pinoRoll({
        file: join(file.dir, logFileBase),
        extension: logFileExtension,
        size: `${Math.max(1, Math.ceil((file.maxFileBytes ?? 5 * 1024 * 1024) / 1024))}k`,
        // pino-roll counts the files kept besides the current one; other files of the same name pattern
        // (an earlier run's) are removed too, so the cap holds across restarts.
        limit: { count: Math.max(1, (file.maxFiles ?? 3) - 1), removeOtherLogFiles: true },
        mkdir: true,
        // Synchronous writes: Ferry logs events, not bytes, and a line written just before a crash is
        // the one worth having. It also makes `flush` trivially true.
        sync: true,
        // Redacted, but still the user's file names and accounts: readable by the user only.
        mode: 0o600,
      })
    : undefined;
  let reportedWriteError = false;
  roll?.on('error', (error: Error) => {
    // A full disk must not take the app down with it; say it once where someone may see it.
    if (reportedWriteError) return;
    reportedWriteError = true;
    process.stderr.write(`ferry: cannot write the log file: ${redactor.redactText(error.message)}\n`);
  });

  const destinations: DestinationStream[] = [
    ...(roll && file ? [capFileSize(roll, file.maxFileBytes ?? 5 * 1024 * 1024)] : []),
    ...(options.streams ?? []),
  ];
  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Errors are turned into plain, redacted objects by the formatter below; pino's own serializer
      // would read them again (and could reach fields the redactor never saw).
      serializers: { err: (value: unknown) => value },
      formatters: {
        // Key-based: whole members under secret-looking keys, at any depth, before serialization.
        log: (object) => redactor.redactValue(object) as Record<string, unknown>,
      },
      hooks: {
        // Value-based, on the finished line: the message, bindings and serialized errors included.
        streamWrite: (line) => redactor.redactText(line),
      },
    },
    pino.multistream(destinations.map((stream) => ({ stream, level }))),
  );

  let closed: Promise<void> | undefined;
  const write =
    (method: Level) =>
    (message: string, fields: LogFields = {}): void => {
      if (closed) return;
      logger[method](fields, message);
    };

  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    redactor,
    flush: () =>
      new Promise<void>((resolve) => {
        if (!roll || roll.destroyed) return resolve();
        // A flush that fails leaves nothing more to wait for; the error listener reports it.
        roll.flush(() => resolve());
      }),
    close() {
      closed ??= new Promise<void>((resolve) => {
        if (!roll || roll.destroyed) return resolve();
        roll.once('close', () => resolve());
        roll.once('error', () => resolve());
        roll.end();
      });
      return closed;
    },
  };
}
