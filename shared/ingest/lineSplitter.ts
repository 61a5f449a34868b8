/**
 * Splits streamed text into lines (LF or CRLF), numbering them from 1, with bounded memory:
 * a line longer than the limit is reported as too long and skipped without being kept.
 * A byte-order mark at the start of the text is dropped.
 */

export type SplitLine =
  | { readonly number: number; readonly text: string }
  | { readonly number: number; readonly tooLong: number };

export class LineSplitter {
  private pieces: string[] = [];
  private pendingChars = 0;
  /** Characters of the current line skipped after it went over the limit; -1 when not skipping. */
  private overflow = -1;
  private lineNumber = 0;
  private started = false;

  constructor(private readonly maxLineChars: number) {}

  /** The complete lines in `chunk` (with what earlier chunks left unfinished). */
  push(chunk: string): SplitLine[] {
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    const lines: SplitLine[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf('\n', start);
      if (newline < 0) break;
      this.take(chunk, start, newline);
      lines.push(this.finish());
      start = newline + 1;
    }
    this.take(chunk, start, chunk.length);
    return lines;
  }

  /** The last line, when the text does not end with a newline. */
  end(): SplitLine[] {
    if (this.pendingChars === 0 && this.overflow < 0) return [];
    return [this.finish()];
  }

  private take(chunk: string, from: number, to: number): void {
    const length = to - from;
    if (length === 0) return;
    if (this.overflow >= 0) {
      this.overflow += length;
      return;
    }
    if (this.pendingChars + length > this.maxLineChars + 1) {
      // +1 leaves room for the CR of a CRLF line of exactly the maximum length.
      this.overflow = this.pendingChars + length;
      this.pieces = [];
      this.pendingChars = 0;
      return;
    }
    this.pieces.push(from === 0 && to === chunk.length ? chunk : chunk.slice(from, to));
    this.pendingChars += length;
  }

  private finish(): SplitLine {
    this.lineNumber += 1;
    if (this.overflow >= 0) {
      const tooLong = this.overflow;
      this.overflow = -1;
      return { number: this.lineNumber, tooLong };
    }
    let text = this.pieces.length === 1 ? (this.pieces[0] as string) : this.pieces.join('');
    this.pieces = [];
    this.pendingChars = 0;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.length > this.maxLineChars) return { number: this.lineNumber, tooLong: text.length };
    return { number: this.lineNumber, text };
  }
}
