/**
 * `npm run sql` prints the short cause of a syntax error (where the parser stopped), not the
 * engine's 500 characters of everything it expected: checked on real errors from the warehouse,
 * sent the way npm run sql sends them (client.exec, no FORMAT appended).
 */
import { strict as assert } from 'node:assert';
import { shortSqlError } from '../../ops/sqlErrors';
import { testWarehouse } from '../helpers/warehouse';

describe('npm run sql error messages', () => {
  it('a syntax error is reduced to where the parser stopped and what to check', async () => {
    const warehouse = await testWarehouse();
    const refused = async (query: string) => {
      const error = await warehouse.client.exec({ query }).then(() => undefined, (e: Error & { type?: string }) => e);
      assert.ok(error, `the engine refused ${query}`);
      return error;
    };
    const typo = await refused('SELECT order_id FROM fact_sales WERE order_id = 1');
    assert.match(shortSqlError(typo), /^Syntax error.*failed at position \d+ \('?order_id'?\).*: check the SQL there/, shortSqlError(typo));
    // A statement cut short: the engine lists every token it would have accepted.
    const cut = await refused('SELECT order_id FROM fact_sales WHERE');
    assert.match(cut.message, /Expected/, 'the raw message lists what the parser expected');
    const short = shortSqlError(cut);
    assert.match(short, /^Syntax error.*failed at position \d+.*: check the SQL there/);
    assert.doesNotMatch(short, /Expected/);
    assert.ok(short.length < 200 && short.length < cut.message.length, `short: ${short}`);
  });

  it('another error keeps its first line', () => {
    assert.equal(shortSqlError({ message: 'Unknown table expression identifier \'nope\'\nStack trace: ...', type: 'UNKNOWN_TABLE' }), 'Unknown table expression identifier \'nope\'');
  });
});
