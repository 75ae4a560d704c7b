import { join } from 'node:path';
import { pino, type DestinationStream, type Level } from 'pino';
import { SecretRedactor } from './redactor.ts';
import { RotatingLogFile } from './rotating-log-file.ts';

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

export async function createLogger(options: LoggerOptions = {}): Promise<FerryLogger> {
  const redactor = options.redactor ?? new SecretRedactor();
  const level = options.level ?? 'info';
  const file = options.file;
  let reportedWriteError = false;
  const roll = file
    ? new RotatingLogFile({
        dir: file.dir,
        base: logFileBase,
        extension: logFileExtension,
        maxFileBytes: file.maxFileBytes ?? 5 * 1024 * 1024,
        maxFiles: Math.max(1, file.maxFiles ?? 3),
        // Redacted, but still the user's file names and accounts: readable by the user only.
        mode: 0o600,
        onError: (error) => {
          // A full disk must not take the app down with it; say it once where someone may see it.
          if (reportedWriteError) return;
          reportedWriteError = true;
          process.stderr.write(`ferry: cannot write the log file: ${redactor.redactText(error.message)}\n`);
        },
      })
    : undefined;

  const destinations: DestinationStream[] = [...(roll ? [roll] : []), ...(options.streams ?? [])];
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
    // Lines are on disk once written (synchronous writes); the promise keeps the interface a
    // destination that buffers would need.
    flush: () => Promise.resolve(),
    close() {
      closed ??= Promise.resolve(roll?.close());
      return closed;
    },
  };
}
