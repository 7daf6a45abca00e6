/**
 * Rows of one source spread over P files by a hash of one column, so that the transform holds one
 * partition in memory at a time (deduplication, order totals) and memory does not grow with file
 * size. P comes from the input size; the same input always lands in the same partitions.
 */
import { BufferedWriter } from './bufferedWriter';

const FLUSH_BUDGET_CHARS = 8 << 20;

export function partitionCount(fileBytes: number, bytesPerPartition: number): number {
  return Math.max(1, Math.ceil(fileBytes / bytesPerPartition));
}

/** FNV-1a: fast, stable across runs and machines, and spreads hex ids evenly. */
export function partitionOf(value: string, partitions: number): number {
  if (partitions === 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i += 1) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

export class PartitionedWriter {
  private readonly writers: BufferedWriter[];

  constructor(pathOf: (partition: number) => string, readonly partitions: number) {
    this.writers = Array.from({ length: partitions }, (_, p) => new BufferedWriter(pathOf(p)));
  }

  write(partition: number, text: string): void {
    this.writers[partition].write(text);
  }

  /**
   * Flush every partition once their buffers together pass a budget. A per-writer threshold would
   * let memory grow with the number of partitions, which grows with the file.
   */
  async flushIfFull(): Promise<void> {
    let buffered = 0;
    for (const writer of this.writers) buffered += writer.buffered;
    if (buffered < FLUSH_BUDGET_CHARS) return;
    for (const writer of this.writers) await writer.flush();
  }

  async close(): Promise<void> {
    for (const writer of this.writers) await writer.close();
  }

  abort(): void {
    for (const writer of this.writers) writer.abort();
  }
}
