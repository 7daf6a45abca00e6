/**
 * Register cartwheel's search attributes on a server that was not started with them (the Java
 * time-skipping test server, a self-hosted cluster). Idempotent: already registered is fine.
 */
import type { Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/searchAttributes';

// INDEXED_VALUE_TYPE_KEYWORD; the value, because @temporalio/proto is only a transitive dependency.
const KEYWORD = 2 as temporal.api.enums.v1.IndexedValueType;

export async function registerSearchAttributes(connection: Pick<Connection, 'operatorService'>, namespace = 'default'): Promise<void> {
  const searchAttributes = Object.fromEntries(CUSTOM_SEARCH_ATTRIBUTES.map((key) => [key.name, KEYWORD]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (error) {
    if (!/already exists/i.test((error as Error).message)) throw error;
  }
}

/** `--search-attribute Name=Keyword` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  return CUSTOM_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]);
}
