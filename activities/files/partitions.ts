/**
 * Rows of one source are spread over P hash partitions (by ingest, in the engine) so that the
 * transform holds one partition at a time (deduplication, order totals) and memory does not grow
 * with file size. P comes from the input size; the same input always lands in the same partitions.
 */
export function partitionCount(fileBytes: number, bytesPerPartition: number): number {
  return Math.max(1, Math.ceil(fileBytes / bytesPerPartition));
}
