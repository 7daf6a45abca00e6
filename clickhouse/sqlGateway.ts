/**
 * chDB allows one process per data folder, and the worker is that process while it runs. The gateway
 * lets other processes (npm run sql, SQL clients speaking ClickHouse's HTTP interface) query the
 * embedded warehouse through the worker: a loopback-only subset of the ClickHouse HTTP protocol
 * (/ping; GET or POST / with the query in `query` and/or the body, `param_*` values, `default_format`).
 * Queries run on the warehouse's reader session, beside the load's session, so they do not queue
 * behind a long load statement (test/warehouseWhileLoading.test.ts measures it).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { DataFormat } from '@clickhouse/client';
import type { Warehouse } from './client';

export interface SqlGateway {
  url: string;
  close(): Promise<void>;
}

export interface GatewayState {
  url: string;
  pid: number;
}

export async function startSqlGateway(warehouse: Warehouse, port: number, stateFile: string): Promise<SqlGateway> {
  const server = createServer((request, response) => {
    handle(warehouse, request, response).catch((error: Error) => sendError(response, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE'
        ? new Error(`SQL gateway port ${port} is in use (another worker?); set CARTWHEEL_GATEWAY_PORT to a free port, or 0 for any`)
        : error));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mkdirSync(path.dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, JSON.stringify({ url, pid: process.pid } satisfies GatewayState));
  return {
    url,
    close: async () => {
      rmSync(stateFile, { force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(warehouse: Warehouse, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://gateway');
  if (url.pathname === '/ping') {
    response.end('Ok.\n');
    return;
  }
  if (url.pathname !== '/') {
    response.writeHead(404).end('not found\n');
    return;
  }
  let body = '';
  for await (const chunk of request) body += chunk;
  const query = [url.searchParams.get('query') ?? '', body].filter((part) => part.length > 0).join('\n');
  if (query.trim() === '') throw Object.assign(new Error('Empty query'), { code: '62', type: 'SYNTAX_ERROR' });

  const queryParams: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name.startsWith('param_')) queryParams[name.slice('param_'.length)] = value;
  }
  const reader = await warehouse.reader();
  const result = await reader.exec({
    query,
    query_params: queryParams,
    clickhouse_settings: { default_format: (url.searchParams.get('default_format') ?? 'TabSeparated') as DataFormat },
  });
  response.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Server-Display-Name': 'cartwheel-gateway' });
  for await (const chunk of result.stream) response.write(chunk);
  response.end();
}

/** Errors in the shape ClickHouse's HTTP interface uses, which @clickhouse/client parses. */
function sendError(response: ServerResponse, error: Error & { code?: string; type?: string }): void {
  const code = error.code && /^\d+$/.test(error.code) ? error.code : '1000';
  const type = error.type ?? 'UNKNOWN_EXCEPTION';
  const message = error.message.replace(/^Code: \d+\. DB::Exception: /, '');
  if (!response.headersSent) response.writeHead(500, { 'X-ClickHouse-Exception-Code': code, 'Content-Type': 'text/plain; charset=UTF-8' });
  response.end(`Code: ${code}. DB::Exception: ${message} (${type}) (version cartwheel-gateway)\n`);
}
