/** Observed values and thresholds as a person reads them, by unit. */
import type { Unit } from './checks';

export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'share':
      return `${(value * 100).toFixed(2)} %`;
    case 'hours':
      return `${value.toFixed(1)} h`;
    case 'deviation':
      return `±${(value * 100).toFixed(1)} %`;
    case 'columns':
      return `${value} ${value === 1 ? 'column' : 'columns'}`;
  }
}
