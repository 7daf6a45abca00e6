/**
 * A text file written through an in-memory buffer: callers append synchronously in tight loops and
 * await flush() at natural pauses, which respects the stream's backpressure. The file is written
 * under a temporary name and renamed on close, so a crash never leaves a complete-looking file.
 */
import { createWriteStream, mkdirSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';

const FLUSH_AT_CHARS = 1 << 20;

export class BufferedWriter {
  private readonly stream: WriteStream;
  private readonly tempPath: string;
  private buffer = '';

  constructor(readonly filePath: string) {
    mkdirSync(path.dirname(filePath), { recursive: true });
    this.tempPath = `${filePath}.partial-${process.pid}`;
    this.stream = createWriteStream(this.tempPath, { encoding: 'utf8' });
  }

  write(text: string): void {
    this.buffer += text;
  }

  /** Characters written but not yet handed to the file. */
  get buffered(): number {
    return this.buffer.length;
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async flushIfFull(): Promise<void> {
    if (this.buffer.length >= FLUSH_AT_CHARS) await this.flush();
  }

  /** Write what is buffered and publish the file under its final name. */
  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
    renameSync(this.tempPath, this.filePath);
  }

  /** Give up: remove the temporary file. */
  abort(): void {
    // The open may still be in flight: an error it reports later (folder gone, disk full) concerns a
    // file being thrown away and must not surface as an uncaught exception that kills the worker.
    this.stream.on('error', () => undefined);
    this.stream.destroy();
    rmSync(this.tempPath, { force: true });
  }
}
