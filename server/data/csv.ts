/**
 * An RFC 4180 CSV reader: quoted fields may hold commas, doubled quotes ("") and newlines;
 * records end with LF or CRLF; a leading UTF-8 BOM is dropped; the first record is the header.
 *
 * Leniencies (on purpose, common in merchants' exports): blank lines are skipped, and a quote
 * inside an unquoted field is kept as a literal character (`12" ruler`).
 * Every problem is a DataError naming file:line (the line where the record starts), the column
 * and the offending value.
 */
import { readFile } from 'node:fs/promises';
import { DataError } from './types.js';

/** No record may be longer than this (a stray quote otherwise swallows the rest of the file). */
export const MAX_RECORD_CHARS = 1 << 20;

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

export interface CsvTable {
  /** Column names as written (trimmed). */
  header: string[];
  /** Line (1-based) of the header record. */
  headerLine: number;
}

/**
 * Calls `onHeader` once with the (trimmed, checked) column names, then `onRecord` for every data
 * record with its fields and the line where it starts; every record is checked to have as many
 * fields as the header. Returns the header. Use this for large files: only the current record is kept.
 */
export function parseCsv(
  text: string,
  file: string,
  onRecord: (fields: string[], line: number) => void,
  onHeader?: (header: string[], line: number) => void,
): CsvTable {
  let header: string[] | null = null;
  let headerLine = 0;
  scanRecords(text, file, (fields, line, raw) => {
    if (header === null) {
      header = checkHeader(fields, file, line);
      headerLine = line;
      onHeader?.(header, line);
      return (column) => header![column] ?? `column ${column + 1}`;
    }
    if (fields.length !== header.length) {
      throw new DataError(file, line, '(record)', raw(), `has ${fields.length} fields but the header has ${header.length}`);
    }
    onRecord(fields, line);
    return null;
  });
  if (header === null) {
    throw new DataError(file, 1, '(header)', '', 'is missing: the file is empty');
  }
  return { header, headerLine };
}

/** Reads a whole CSV file into memory (header + records): convenient for small files and tests. */
export function parseCsvRows(text: string, file: string): { header: string[]; rows: Array<{ fields: string[]; line: number }> } {
  const rows: Array<{ fields: string[]; line: number }> = [];
  const { header } = parseCsv(text, file, (fields, line) => rows.push({ fields, line }));
  return { header, rows };
}

/** Reads a file as UTF-8 text (the BOM, if any, is dropped by the parser); see decodeCsv. */
export async function readCsvText(path: string): Promise<string> {
  return decodeCsv(await readFile(path), path);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The bytes of a CSV file as text. Refuses what would otherwise load as silently wrong ids and
 * titles: a UTF-16 file (Excel's "Unicode Text"), bytes that are not UTF-8 (a Latin-1 export's
 * `£`), and a byte order mark after the start (two exports concatenated), each with the line.
 */
export function decodeCsv(bytes: Uint8Array, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const name = bytes[0] === 0xff ? 'UTF-16LE' : 'UTF-16BE';
    throw new DataError(file, 1, '(encoding)', `${name} byte order mark`, 'is not UTF-8: the file is UTF-16; save it as "CSV UTF-8"');
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    const lenient = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    const at = lenient.indexOf('\ufffd');
    throw new DataError(file, lineAt(lenient, at), '(encoding)', lineText(lenient, at),
      'is not valid UTF-8 (shown with U+FFFD where a byte is wrong); save the file as "CSV UTF-8"');
  }
  const bom = text.indexOf('\ufeff', 1);
  if (bom !== -1) {
    throw new DataError(file, lineAt(text, bom), '(record)', lineText(text, bom).replace(/\ufeff/g, '<BOM>'),
      'contains a byte order mark (U+FEFF) after the start of the file; were two files concatenated?');
  }
  return text;
}

/** The 1-based line of the character at `index`. */
function lineAt(text: string, index: number): number {
  return countNewlines(text, 0, index) + 1;
}

/** The whole line around `index`, without its line break. */
function lineText(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end === -1 ? text.length : end).replace(/\r$/, '');
}

function checkHeader(fields: string[], file: string, line: number): string[] {
  const names = fields.map((name) => name.trim());
  const seen = new Map<string, number>();
  names.forEach((name, column) => {
    if (name === '') {
      throw new DataError(file, line, `column ${column + 1}`, fields.join(','), 'has an empty name in the header');
    }
    if (seen.has(name)) {
      throw new DataError(file, line, name, fields.join(','), `appears twice in the header (columns ${seen.get(name)! + 1} and ${column + 1})`);
    }
    seen.set(name, column);
  });
  return names;
}

/** Names a column for error messages; set once the header is known. */
type ColumnNamer = (column: number) => string;

/**
 * The tokenizer. `onRecord` gets the fields, the starting line and a lazy accessor for the raw
 * text (only built for error messages); it may return a column namer for later messages.
 */
function scanRecords(
  text: string,
  file: string,
  onRecord: (fields: string[], line: number, raw: () => string) => ColumnNamer | null,
): void {
  const length = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let nextQuote = text.indexOf('"', pos);
  let columnName: ColumnNamer = (column) => `column ${column + 1}`;

  while (pos < length) {
    const start = pos;
    const startLine = line;
    let newline = text.indexOf('\n', pos);
    if (newline === -1) newline = length;
    let lineEnd = newline;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === CR) lineEnd--;

    if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos);

    let fields: string[];
    if (nextQuote === -1 || nextQuote >= lineEnd) {
      // Fast path: a line without quotes is one record.
      if (lineEnd - pos > MAX_RECORD_CHARS) throw overLong(file, startLine, text, pos);
      const raw = text.slice(pos, lineEnd);
      pos = newline + 1;
      line++;
      if (raw === '') continue;
      fields = raw.split(',');
    } else {
      fields = [];
      let atRecordEnd = false;
      while (!atRecordEnd) {
        if (pos - start > MAX_RECORD_CHARS) throw overLong(file, startLine, text, start);
        if (text.charCodeAt(pos) === QUOTE) {
          let value = '';
          let from = pos + 1;
          for (;;) {
            const close = text.indexOf('"', from);
            if (close === -1 || close - start > MAX_RECORD_CHARS) {
              if (close === -1) {
                throw new DataError(file, startLine, columnName(fields.length), text.slice(pos, Math.min(length, pos + 80)),
                  'has a quote that is never closed');
              }
              throw overLong(file, startLine, text, start);
            }
            value += text.slice(from, close);
            line += countNewlines(text, from, close);
            if (text.charCodeAt(close + 1) === QUOTE) {
              value += '"';
              from = close + 2;
            } else {
              pos = close + 1;
              break;
            }
          }
          fields.push(value);
          const next = pos < length ? text.charCodeAt(pos) : LF;
          if (next === COMMA) {
            pos++;
          } else if (next === LF || (next === CR && text.charCodeAt(pos + 1) === LF) || pos >= length) {
            pos += next === CR ? 2 : 1;
            line++;
            atRecordEnd = true;
          } else {
            const lineEnd = text.indexOf('\n', pos);
            const rest = text.slice(start, lineEnd === -1 ? length : lineEnd).replace(/\r$/, '');
            throw new DataError(file, startLine, columnName(fields.length - 1), rest,
              `has text after its closing quote (${JSON.stringify(text[pos])}); a quote inside a quoted field must be doubled`);
          }
        } else {
          let end = pos;
          while (end < length) {
            const c = text.charCodeAt(end);
            if (c === COMMA || c === LF) break;
            end++;
          }
          // A CR belongs to the line break, not the value, when the record ends here.
          const valueEnd = end > pos && text.charCodeAt(end - 1) === CR && (end === length || text.charCodeAt(end) === LF) ? end - 1 : end;
          fields.push(text.slice(pos, valueEnd));
          if (end < length && text.charCodeAt(end) === COMMA) {
            pos = end + 1;
          } else {
            pos = end + 1;
            line++;
            atRecordEnd = true;
          }
        }
      }
      if (pos - start > MAX_RECORD_CHARS) throw overLong(file, startLine, text, start);
    }
    const recordEnd = Math.min(pos, length);
    const namer = onRecord(fields, startLine, () => text.slice(start, recordEnd).replace(/\r?\n$/, ''));
    if (namer) columnName = namer;
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function overLong(file: string, line: number, text: string, start: number): DataError {
  return new DataError(file, line, '(record)', text.slice(start, start + 80),
    `is longer than ${MAX_RECORD_CHARS} characters (1 MiB); is a quote left unclosed?`);
}
