/** Apply the configured null strategy of each column to a row; report what was done. */
import type { TypedRow } from '../contracts';
import type { NullStrategy } from '../pipelineConfig';

export const UNKNOWN_MEMBER = 'unknown';

export type NullOutcome = 'kept' | 'dropped';

/** Fills empty cells in place; returns `dropped` when a drop_row strategy removes the row. */
export function applyNullStrategies(
  row: TypedRow,
  strategies: readonly [string, NullStrategy][],
  count: (column: string, strategy: NullStrategy['strategy']) => void,
): NullOutcome {
  for (const [column, strategy] of strategies) {
    if (row[column] !== null) continue;
    count(column, strategy.strategy);
    switch (strategy.strategy) {
      case 'drop_row':
        return 'dropped';
      case 'fill_constant':
        row[column] = strategy.value;
        break;
      case 'fill_from_column':
        row[column] = row[strategy.column];
        break;
      case 'unknown_member':
        row[column] = UNKNOWN_MEMBER;
        break;
    }
  }
  return 'kept';
}
