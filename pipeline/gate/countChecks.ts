/**
 * Checks measured from the counts earlier stages report: rows the contract rejected (completeness),
 * duplicates removed (uniqueness) and business-rule violations (accuracy).
 */
import type { SourceName } from '../../domain/contracts';
import { evaluate, share } from './checks';
import { resultBase, type EvaluationContext, type Evaluator } from './evaluator';
import { quarantineSamples } from './quarantineSamples';
import type { ResolvedCheck } from './resolveChecks';

export function quarantinedShareEvaluator(check: Extract<ResolvedCheck, { kind: 'quarantined_share' }>, context: EvaluationContext): Evaluator {
  return {
    async finish() {
      const counts = context.counts[check.source];
      return {
        result: evaluate({ ...resultBase(check), observed: share(counts.rowsQuarantined, counts.rowsRead), unit: 'share', note: `${counts.rowsQuarantined} of ${counts.rowsRead} rows` }),
        samples: counts.rowsQuarantined === 0 ? [] : await quarantinedRows(context, check.source),
      };
    },
  };
}

/** Rows the contract rejected first, then rows a business rule moved to quarantine. */
async function quarantinedRows(context: EvaluationContext, source: SourceName) {
  const { layout, businessDate, sampleSize } = context;
  const rejected = await quarantineSamples(layout.quarantineFile(businessDate, source), source, sampleSize, layout.storage);
  const byRules = await quarantineSamples(layout.rulesQuarantineFile(businessDate, source), source, sampleSize - rejected.length, layout.storage);
  return [...rejected, ...byRules];
}

export function duplicateShareEvaluator(check: Extract<ResolvedCheck, { kind: 'duplicate_share' }>, context: EvaluationContext): Evaluator {
  return {
    finish() {
      const counts = context.counts[check.source];
      const deduplicated = counts.rowsRead - counts.rowsQuarantined;
      return {
        result: evaluate({ ...resultBase(check), observed: share(counts.duplicatesRemoved, deduplicated), unit: 'share', note: `${counts.duplicatesRemoved} of ${deduplicated} rows` }),
        samples: [],
      };
    },
  };
}

export function businessRuleEvaluator(check: Extract<ResolvedCheck, { kind: 'business_rule' }>, context: EvaluationContext): Evaluator {
  return {
    finish() {
      const counts = context.counts[check.source];
      const violations = (counts.ruleViolations ?? []).filter((v) => check.rule === undefined || v.rule === check.rule);
      const total = violations.reduce((sum, v) => sum + v.count, 0);
      const detail = violations.filter((v) => v.count > 0).map((v) => `${v.rule} ${v.count} (${v.action})`).join(', ');
      return {
        result: evaluate({ ...resultBase(check), observed: share(total, counts.rowsRead), unit: 'share', note: detail || 'no violations' }),
        samples: [],
      };
    },
  };
}
