/** Which evaluator measures each kind of check: adding a kind means one entry here and its file. */
import { businessRuleEvaluator, duplicateShareEvaluator, quarantinedShareEvaluator } from './countChecks';
import type { EvaluationContext, Evaluator } from './evaluator';
import { freshnessEvaluator } from './freshnessCheck';
import { trailingMetricEvaluator, volumeEvaluator } from './historyChecks';
import { foreignKeyEvaluator, sumMatchEvaluator, uniqueEvaluator } from './keyChecks';
import type { ResolvedCheck } from './resolveChecks';
import { rowShareEvaluator } from './rowShareChecks';
import { schemaDriftEvaluator } from './schemaDriftCheck';

export function evaluatorFor(check: ResolvedCheck, context: EvaluationContext): Evaluator {
  switch (check.kind) {
    case 'quarantined_share':
      return quarantinedShareEvaluator(check, context);
    case 'duplicate_share':
      return duplicateShareEvaluator(check, context);
    case 'business_rule':
      return businessRuleEvaluator(check, context);
    case 'unique':
      return uniqueEvaluator(check, context);
    case 'foreign_key':
      return foreignKeyEvaluator(check, context);
    case 'sum_match':
      return sumMatchEvaluator(check, context);
    case 'null_share':
    case 'accepted_values':
    case 'range':
    case 'pattern':
    case 'column_comparison':
      return rowShareEvaluator(check, context);
    case 'freshness':
      return freshnessEvaluator(check, context);
    case 'schema_drift':
      return schemaDriftEvaluator(check, context);
    case 'volume':
      return volumeEvaluator(check, context);
    case 'trailing_metric':
      return trailingMetricEvaluator(check, context);
  }
}
