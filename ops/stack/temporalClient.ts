/**
 * A Temporal client for ops commands (status, replay, schedule), with the workers' payload codec so
 * it can read inputs, results and memos. `undefined` from tryTemporalClient when no server answers.
 */
import { Client, Connection } from '@temporalio/client';
import { cartwheelDataConverter } from '../../workers/payloadCodec';
import type { CartwheelConfig } from '../../workers/config';

export interface OpsTemporal {
  client: Client;
  connection: Connection;
  close: () => Promise<void>;
}

export async function temporalClient(config: CartwheelConfig): Promise<OpsTemporal> {
  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '3 seconds' });
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: cartwheelDataConverter(config.payloadKeys) });
  return { client, connection, close: () => connection.close() };
}

export async function tryTemporalClient(config: CartwheelConfig): Promise<OpsTemporal | undefined> {
  try {
    return await temporalClient(config);
  } catch {
    return undefined;
  }
}
