/** The frame check on staged Parquet: a whole file passes, damaged ones fail non-retryably naming the file. */
import { ApplicationFailure } from '@temporalio/common';
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertParquetFrame, asDamagedFile } from '../activities/load/stagedParquetCheck';
import { tempDir } from './helpers/tempDirs';

describe('staged Parquet frame check', () => {
  const dir = tempDir('parquet-check');
  // A minimal frame: magic, 4 bytes standing for the footer, its length, magic.
  const whole = Buffer.concat([Buffer.from('PAR1'), Buffer.from([1, 2, 3, 4]), Buffer.from([4, 0, 0, 0]), Buffer.from('PAR1')]);
  const write = (name: string, bytes: Buffer) => {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };
  const refused = (file: string, reason: RegExp) => (error: unknown) => {
    assert.ok(error instanceof ApplicationFailure);
    assert.equal(error.type, 'DamagedStagedFile');
    assert.equal(error.nonRetryable, true);
    assert.ok(error.message.includes(file));
    assert.match(error.message, reason);
    return true;
  };

  it('passes a whole file', () => assertParquetFrame(write('whole.parquet', whole)));

  it('refuses a truncated file, a file without magic and a footer longer than the file', () => {
    const truncated = write('truncated.parquet', whole.subarray(0, 13));
    assert.throws(() => assertParquetFrame(truncated), refused(truncated, /magic bytes at the end/));
    const noMagic = write('nomagic.parquet', Buffer.concat([Buffer.from('XXXX'), whole.subarray(4)]));
    assert.throws(() => assertParquetFrame(noMagic), refused(noMagic, /at the start/));
    const longFooter = Buffer.from(whole);
    longFooter.writeUInt32LE(99, 8);
    const badFooter = write('footer.parquet', longFooter);
    assert.throws(() => assertParquetFrame(badFooter), refused(badFooter, /footer length 99/));
  });

  it('turns engine decoding errors into the same failure and leaves connection errors retryable', () => {
    const decoding = Object.assign(new Error('Malformed snappy compressed page'), { type: 'CANNOT_DECOMPRESS' });
    assert.ok(refused('x.parquet', /CANNOT_DECOMPRESS/)(asDamagedFile('x.parquet', decoding)));
    const network = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    assert.equal(asDamagedFile('x.parquet', network), network);
  });
});
