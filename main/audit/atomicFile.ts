/**
 * Writing a file so that it appears under its name only when complete: the text goes to a
 * temporary file next to the target, which is renamed over the target at the end. An abort
 * or error removes the temporary file, so a cancelled export leaves nothing under the
 * target's name (and an older file there stays as it was). Text is encoded straight into a
 * 1 MB buffer (no string concatenation); a full buffer is written out and the writer waits
 * for the stream to drain, so memory stays bounded.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

const CHUNK_BYTES = 1 << 20;

export class AtomicFileWriter {
  readonly tempPath: string;
  private readonly stream: WriteStream;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private failure: Error | null = null;
  bytes = 0;

  constructor(readonly path: string) {
    this.tempPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
    this.stream = createWriteStream(this.tempPath, { flags: 'wx' });
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  /**
   * Adds text. Returns a promise only when the buffer was full and had to be written out (wait
   * for it before writing more); the common case stays synchronous, with no promise per line.
   */
  write(text: string): Promise<void> | undefined {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.used + text.length * 3 > CHUNK_BYTES) return this.flushThenWrite(text);
    this.used += this.chunk.write(text, this.used, 'utf8');
    return undefined;
  }

  private async flushThenWrite(text: string): Promise<void> {
    await this.flush();
    if (text.length * 3 > CHUNK_BYTES) return this.push(Buffer.from(text, 'utf8'));
    this.used += this.chunk.write(text, this.used, 'utf8');
  }

  async writeBytes(data: Uint8Array): Promise<void> {
    await this.flush();
    await this.push(data);
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    const full = this.chunk.subarray(0, this.used);
    // The stream keeps the written buffer until it is on disk: the next text goes to a new one.
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    await this.push(full);
  }

  private async push(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const done = () => (this.stream.off('error', fail), resolve());
        const fail = (error: Error) => (this.stream.off('drain', done), reject(error));
        this.stream.once('drain', done);
        this.stream.once('error', fail);
      });
    }
  }

  /** Writes what is left, closes the file and renames it to its target name. */
  async commit(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
    if (this.failure) throw this.failure;
    await rename(this.tempPath, this.path);
  }

  /** Stops and removes the temporary file. */
  async discard(): Promise<void> {
    this.used = 0;
    await new Promise<void>((resolve) => {
      if (this.stream.closed) return resolve();
      this.stream.once('close', () => resolve());
      this.stream.destroy();
    });
    await rm(this.tempPath, { force: true });
  }
}
