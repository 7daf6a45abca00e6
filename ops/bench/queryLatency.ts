/**
 * Latency of every named query (clickhouse/queries/*.sql) on the warehouse as it is: each runs once
 * to warm caches, then three times; the median of the three is reported with the rows returned.
 * npm run bench calls it after loading its volume of order lines.
 */
import type { Warehouse } from '../../clickhouse/client';
import { listNamedQueries } from '../../clickhouse/namedQueries';

const RUNS = 3;

export async function measureQueryLatency(warehouse: Warehouse): Promise<{ name: string; ms: number; rows: number }[]> {
  const results: { name: string; ms: number; rows: number }[] = [];
  for (const query of listNamedQueries()) {
    const run = async () => {
      const started = performance.now();
      const result = await warehouse.client.query({ query: query.sql, format: 'JSONEachRow' });
      const rows = (await result.json()).length;
      return { ms: performance.now() - started, rows };
    };
    await run();
    const timings = [];
    for (let i = 0; i < RUNS; i++) timings.push(await run());
    timings.sort((a, b) => a.ms - b.ms);
    const median = timings[Math.floor(RUNS / 2)];
    results.push({ name: query.name, ms: Math.round(median.ms * 10) / 10, rows: median.rows });
  }
  return results;
}
