/**
 * A streaming RFC 4180 reader: records of comma-separated fields, a field quoted with `"`
 * when it holds commas, quotes (doubled) or line breaks; records end with CRLF or LF. Fed
 * text in chunks of any size, it returns each complete record with the line it starts on.
 *
 * A malformed record (a quote inside an unquoted field, text after a closing quote) is
 * reported and skipped up to the end of its line, and reading goes on. A record longer than
 * the limit, usually an unterminated quote swallowing the file, stops the reader: nothing
 * after it can be split reliably, so it is reported as fatal.
 */

export type CsvRecord =
  | { readonly line: number; readonly fields: string[] }
  | { readonly line: number; readonly error: string; readonly fatal?: true };

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'afterQuote' | 'skip';

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

export class CsvReader {
  private state: State = 'fieldStart';
  private fields: string[] = [];
  private field = '';
  private line = 1;
  private recordLine = 1;
  private recordChars = 0;
  private quotedRecord = false;
  private skipLf = false;
  private started = false;
  private skipReason = '';
  private stopped = false;

  constructor(private readonly maxRecordChars: number) {}

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    let i = 0;
    const n = chunk.length;
    while (i < n && !this.stopped) {
      const c = chunk.charCodeAt(i);
      if (this.skipLf) {
        this.skipLf = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      switch (this.state) {
        case 'fieldStart':
          if (c === QUOTE) {
            this.state = 'quoted';
            this.quotedRecord = true;
            i++;
          } else this.state = 'unquoted';
          break;
        case 'unquoted': {
          let j = i;
          let d = 0;
          while (j < n && (d = chunk.charCodeAt(j)) !== COMMA && d !== QUOTE && d !== CR && d !== LF) j++;
          this.field += chunk.slice(i, j);
          this.recordChars += j - i;
          if (j === n) {
            i = n;
            break;
          }
          i = j + 1;
          if (d === COMMA) this.nextField();
          else if (d === QUOTE) this.startSkip('a quote inside an unquoted field (quote the whole field and double its quotes)');
          else this.endLine(out, d);
          break;
        }
        case 'quoted': {
          const q = chunk.indexOf('"', i);
          const end = q < 0 ? n : q;
          const piece = chunk.slice(i, end);
          this.field += piece;
          this.recordChars += piece.length;
          for (let k = piece.indexOf('\n'); k >= 0; k = piece.indexOf('\n', k + 1)) this.line++;
          i = q < 0 ? n : q + 1;
          if (q >= 0) this.state = 'afterQuote';
          break;
        }
        case 'afterQuote':
          i++;
          if (c === QUOTE) {
            this.field += '"';
            this.state = 'quoted';
          } else if (c === COMMA) this.nextField();
          else if (c === CR || c === LF) this.endLine(out, c);
          else this.startSkip('text after the closing quote of a field');
          break;
        case 'skip': {
          let j = i;
          let d = 0;
          while (j < n && (d = chunk.charCodeAt(j)) !== CR && d !== LF) j++;
          i = j === n ? n : j + 1;
          if (j < n) this.endLine(out, d);
          break;
        }
      }
      if (this.recordChars > this.maxRecordChars && !this.stopped) {
        const hint = this.state === 'quoted' ? ' (an unterminated quote?)' : '';
        out.push({ line: this.recordLine, error: `record is longer than ${this.maxRecordChars} characters${hint}; the rest of the file was not read`, fatal: true });
        this.stop();
      }
    }
    return out;
  }

  /** The last record, when the text does not end with a line break. */
  end(): CsvRecord[] {
    if (this.stopped) return [];
    const out: CsvRecord[] = [];
    if (this.state === 'quoted') {
      out.push({ line: this.recordLine, error: 'a quoted field is not closed before the end of the file', fatal: true });
    } else if (this.state === 'skip') {
      out.push({ line: this.recordLine, error: this.skipReason });
    } else if (this.fields.length > 0 || this.field !== '' || this.quotedRecord) {
      this.fields.push(this.field);
      out.push({ line: this.recordLine, fields: this.fields });
    }
    this.stop();
    return out;
  }

  private nextField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.recordChars += 1;
    this.state = 'fieldStart';
  }

  private startSkip(reason: string): void {
    this.skipReason = reason;
    this.state = 'skip';
  }

  /** A line break outside quotes: the record ends (a blank line is no record). */
  private endLine(out: CsvRecord[], breakChar: number): void {
    if (this.state === 'skip') out.push({ line: this.recordLine, error: this.skipReason });
    else if (this.fields.length > 0 || this.field !== '' || this.quotedRecord) {
      this.fields.push(this.field);
      out.push({ line: this.recordLine, fields: this.fields });
    }
    this.line++;
    this.skipLf = breakChar === CR;
    this.fields = [];
    this.field = '';
    this.recordChars = 0;
    this.quotedRecord = false;
    this.recordLine = this.line;
    this.state = 'fieldStart';
  }

  private stop(): void {
    this.stopped = true;
    this.fields = [];
    this.field = '';
  }
}
