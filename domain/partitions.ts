/**
 * Rows of one source are spread over P hash partitions (by ingest, in the engine) so that the
 * transform holds one partition at a time (deduplication, order totals) and memory does not grow
 * with file size. P comes from the input size; the same input always lands in the same partitions.
 *
 * P is capped: the ingest statement keeps a Parquet writer open per partition, ~5 MiB each (the
 * 10M-order day's orders in one statement: 765 MiB resident with 1 partition, 1,256 with 64, 2,174
 * with 336). Past MAX_PARTITIONS x bytesPerPartition of input a partition grows instead.
 */
export const MAX_PARTITIONS = 64;

export function partitionCount(fileBytes: number, bytesPerPartition: number): number {
  return Math.min(MAX_PARTITIONS, Math.max(1, Math.ceil(fileBytes / bytesPerPartition)));
}
