/**
 * Writing a file so that it appears under its name only when complete: the text goes to a
 * temporary file next to the target, which is renamed over the target at the end. An abort
 * or error removes the temporary file, so a cancelled export leaves nothing under the
 * target's name (and an older file there stays as it was). Text is encoded straight into a
 * 1 MB buffer (no string concatenation); a full buffer is written out and the writer waits
 * for the stream to drain, so memory stays bounded.
 *
 * The file is created for its owner only (it is an audit record) and never replaces a link:
 * the temporary file is created exclusively, and the target is checked again at the end;
 * without `overwrite` it is linked into place, which fails rather than replace a file that
 * appeared meanwhile.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, link, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkExportTarget, writeFailure, type TargetRules } from './exportTarget';

const CHUNK_BYTES = 1 << 20;

export class AtomicFileWriter {
  readonly tempPath: string;
  private readonly stream: WriteStream;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private failure: Error | null = null;
  bytes = 0;

  private constructor(
    readonly path: string,
    private readonly rules: TargetRules,
  ) {
    this.tempPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
    this.stream = createWriteStream(this.tempPath, { flags: 'wx', mode: 0o600 });
    this.stream.on('error', (error) => (this.failure ??= writeFailure(error, path)));
  }

  /** Checks the target (see exportTarget.ts), then starts writing next to it. */
  static async open(path: string, rules: TargetRules = {}): Promise<AtomicFileWriter> {
    await checkExportTarget(path, rules);
    return new AtomicFileWriter(path, rules);
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
        const fail = (error: Error) => (this.stream.off('drain', done), reject(writeFailure(error, this.path)));
        this.stream.once('drain', done);
        this.stream.once('error', fail);
      });
    }
  }

  /** Writes what is left, closes the file and renames it to its target name. */
  async commit(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', (error) => reject(writeFailure(error, this.path)));
      this.stream.end(() => resolve());
    });
    if (this.failure) throw this.failure;
    try {
      // Checked again: the target may have changed while the export ran.
      const replacedMode = await checkExportTarget(this.path, this.rules);
      if (replacedMode !== undefined) await chmod(this.tempPath, replacedMode & 0o600);
      if (this.rules.overwrite) await rename(this.tempPath, this.path);
      else {
        await link(this.tempPath, this.path);
        await rm(this.tempPath, { force: true });
      }
    } catch (error) {
      throw writeFailure(error, this.path);
    }
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
