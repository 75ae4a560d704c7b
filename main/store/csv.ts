/**
 * A small RFC 4180 CSV writer and streaming parser. No CSV library is installed and the format is small
 * enough to own: quoted fields may hold commas, quotes (doubled) and line breaks.
 */

const needsQuoting = /[",\r\n]/;

/** One field, quoted only when it has to be. */
export function csvField(value: string): string {
  return needsQuoting.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record with its CRLF terminator (RFC 4180 §2.1). */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

// Spreadsheets run a cell that starts with = + - @ (and, in some, tab or CR) as a formula: a file name
// like "=HYPERLINK(...)" from someone else's upload must stay text (OWASP "CSV injection"). A leading
// apostrophe makes it text. Values that already start with apostrophes before such a character get one
// more, so `spreadsheetUnsafe` can undo the escape exactly.
const formulaStart = /^'*[=+\-@\t\r]/;
const escapedFormulaStart = /^'+[=+\-@\t\r]/;

export function spreadsheetSafe(value: string): string {
  return formulaStart.test(value) ? `'${value}` : value;
}

export function spreadsheetUnsafe(value: string): string {
  return escapedFormulaStart.test(value) ? value.slice(1) : value;
}

export class CsvSyntaxError extends Error {
  readonly row: number;

  constructor(message: string, row: number) {
    super(message);
    this.name = 'CsvSyntaxError';
    this.row = row;
  }
}

export interface CsvRow {
  /** 1-based record number: the header is row 1, as a spreadsheet numbers it. */
  row: number;
  fields: string[];
}

/**
 * Incremental parser: feed text in chunks of any size (a chunk may end inside a quoted field or
 * between CR and LF), take the completed records. Accepts CRLF, LF or CR line ends and a leading BOM;
 * skips empty lines. A quote inside an unquoted field, or text after a closing quote, is kept
 * literally (as most spreadsheets do) rather than failing the whole file.
 */
export class CsvParser {
  #field = '';
  #record: string[] = [];
  #inQuotes = false;
  /** The previous character was a quote inside a quoted field: either an escaped quote or the end. */
  #quotePending = false;
  #fieldWasQuoted = false;
  #lastWasCR = false;
  #started = false;
  #row = 0;

  push(chunk: string): CsvRow[] {
    const out: CsvRow[] = [];
    let text = chunk;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const char = text[i]!;
      if (this.#lastWasCR) {
        this.#lastWasCR = false;
        if (char === '\n') continue;
      }
      if (this.#inQuotes) {
        if (this.#quotePending) {
          this.#quotePending = false;
          if (char === '"') {
            this.#field += '"';
            continue;
          }
          this.#inQuotes = false;
          // Fall through: the quote closed the field and this character is handled below.
        } else if (char === '"') {
          this.#quotePending = true;
          continue;
        } else {
          this.#field += char;
          continue;
        }
      }
      if (char === ',') {
        this.#endField();
      } else if (char === '\r' || char === '\n') {
        this.#lastWasCR = char === '\r';
        this.#endRecord(out);
      } else if (char === '"' && this.#field === '' && !this.#fieldWasQuoted) {
        this.#inQuotes = true;
        this.#fieldWasQuoted = true;
      } else {
        this.#field += char;
      }
    }
    return out;
  }

  /** The last record when the input does not end with a line break; throws on an unterminated quote. */
  end(): CsvRow[] {
    if (this.#inQuotes && !this.#quotePending) {
      throw new CsvSyntaxError(`Row ${this.#row + 1}: a quoted field is never closed.`, this.#row + 1);
    }
    this.#inQuotes = false;
    this.#quotePending = false;
    const out: CsvRow[] = [];
    if (this.#field !== '' || this.#record.length > 0 || this.#fieldWasQuoted) this.#endRecord(out);
    return out;
  }

  #endField(): void {
    this.#record.push(this.#field);
    this.#field = '';
    this.#fieldWasQuoted = false;
  }

  #endRecord(out: CsvRow[]): void {
    const empty = this.#record.length === 0 && this.#field === '' && !this.#fieldWasQuoted;
    this.#endField();
    const fields = this.#record;
    this.#record = [];
    if (empty) return;
    this.#row += 1;
    out.push({ row: this.#row, fields });
  }
}

/** Parse a whole string (tests, small inputs). */
export function parseCsv(text: string): string[][] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()].map((row) => row.fields);
}

/**
 * Records of a decoded text stream (`createReadStream(path, 'utf8')` decodes characters split across
 * chunks), without holding the file in memory.
 */
export async function* csvRows(chunks: AsyncIterable<string>): AsyncGenerator<CsvRow> {
  const parser = new CsvParser();
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}
