import { describe, expect, it } from 'vitest';
import { MAX_RECORD_CHARS, parseCsvRows } from './csv.js';

describe('parseCsvRows', () => {
  it('reads quoted commas, doubled quotes and newlines inside quotes, with start lines', () => {
    const text = 'a,b,c\n1,"x, y","say ""hi"""\n2,"two\nlines",z\n3,,\n';
    const { header, rows } = parseCsvRows(text, 't.csv');
    expect(header).toEqual(['a', 'b', 'c']);
    expect(rows).toEqual([
      { fields: ['1', 'x, y', 'say "hi"'], line: 2 },
      { fields: ['2', 'two\nlines', 'z'], line: 3 },
      { fields: ['3', '', ''], line: 5 },
    ]);
  });

  it('strips a UTF-8 BOM and accepts CRLF, including after a quoted field and without a final newline', () => {
    const text = '\ufeffa,b\r\n"1",2\r\n3,"4"\r\n5,6';
    const { header, rows } = parseCsvRows(text, 't.csv');
    expect(header).toEqual(['a', 'b']);
    expect(rows.map((row) => row.fields)).toEqual([['1', '2'], ['3', '4'], ['5', '6']]);
  });

  it('keeps CR inside quotes and skips blank lines without losing line numbers', () => {
    const { rows } = parseCsvRows('a,b\n\n"x\r\ny",1\n\n2,3\n', 't.csv');
    expect(rows).toEqual([
      { fields: ['x\r\ny', '1'], line: 3 },
      { fields: ['2', '3'], line: 6 },
    ]);
  });

  it('keeps a quote inside an unquoted field as a literal character', () => {
    expect(parseCsvRows('a,b\n12" ruler,1\n', 't.csv').rows[0]!.fields).toEqual(['12" ruler', '1']);
  });

  it('rejects an empty file and a file with only a BOM', () => {
    expect(() => parseCsvRows('', 'e.csv')).toThrow('e.csv:1: field "(header)" is missing: the file is empty (value: "")');
    expect(() => parseCsvRows('\ufeff', 'e.csv')).toThrow('e.csv:1: field "(header)" is missing');
  });

  it('rejects an unclosed quote, naming the line it opens on and the column', () => {
    expect(() => parseCsvRows('a,b\n1,2\n3,"4\n5,6\n', 'q.csv')).toThrow('q.csv:3: field "b" has a quote that is never closed (value: "\\"4\\n5,6\\n")');
  });

  it('rejects a record longer than 1 MiB', () => {
    const long = 'x'.repeat(MAX_RECORD_CHARS + 1);
    expect(() => parseCsvRows(`a,b\n1,${long}\n`, 'l.csv')).toThrow(/^l\.csv:2: field "\(record\)" is longer than 1048576 characters \(1 MiB\); is a quote left unclosed\?/);
    expect(() => parseCsvRows(`a,b\n1,"${long}"\n`, 'l.csv')).toThrow(/^l\.csv:2: field "\(record\)" is longer than 1048576 characters/);
  });

  it('rejects records whose field count differs from the header', () => {
    expect(() => parseCsvRows('a,b,c\n1,2,3\n4,5\n', 'c.csv')).toThrow('c.csv:3: field "(record)" has 2 fields but the header has 3 (value: "4,5")');
    expect(() => parseCsvRows('a,b\n1,"2",3\n', 'c.csv')).toThrow('c.csv:2: field "(record)" has 3 fields but the header has 2 (value: "1,\\"2\\",3")');
  });

  it('rejects empty and duplicate header names', () => {
    expect(() => parseCsvRows('a,,c\n', 'h.csv')).toThrow('h.csv:1: field "column 2" has an empty name in the header (value: "a,,c")');
    expect(() => parseCsvRows('a,b,a\n', 'h.csv')).toThrow('h.csv:1: field "a" appears twice in the header (columns 1 and 3) (value: "a,b,a")');
  });
});
