/** `npm run status` shows a run's whole message under its row, wrapped, never cut. */
import { strict as assert } from 'node:assert';
import { formatTable } from '../../ops/status/formatTable';

describe('npm run status table', () => {
  it('prints a long message whole, wrapped under its row', () => {
    const message = `quality gate failed for 2024-03-10: orders_customer_nulls warned (0.031 > 0.02 share); ${'payments.csv line 17 column amount is not a number; '.repeat(4)}fix the export and land it again`;
    const text = formatTable(['date', 'status'], [['2024-03-10', 'failed'], ['2024-03-11', 'succeeded']], [message, '']);
    const lines = text.split('\n');
    assert.equal(lines[0], 'date        status');
    assert.equal(lines[1], '2024-03-10  failed');
    const noteLines = lines.slice(2, lines.indexOf('2024-03-11  succeeded'));
    assert.ok(noteLines.length > 1, 'wrapped over several lines');
    assert.ok(noteLines.every((l) => l.startsWith('    ') && l.length <= 60), 'indented, within the width');
    assert.equal(noteLines.map((l) => l.trim()).join(' '), message, 'nothing cut');
    assert.equal(lines[lines.length - 1], '2024-03-11  succeeded', 'a run without a message gets no extra line');
  });
});
