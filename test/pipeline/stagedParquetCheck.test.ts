/** The checks on staged Parquet: whole files pass, damaged ones fail non-retryably naming the file. */
import { ApplicationFailure } from '@temporalio/common';
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertParquetFrame, asDamagedFile, verifyStagedFolders } from '../../pipeline/build/stagedParquetCheck';
import { CHECKSUM_FILE, writeStagedChecksums } from '../../pipeline/publish/stagedChecksums';
import { tempDir } from '../helpers/tempDirs';

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

  describe('checksums recorded at staging', () => {
    // Frames that pass the frame check, with different page bytes: only a digest tells them apart.
    const part = (fill: number) => Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, fill), Buffer.from([4, 0, 0, 0]), Buffer.from('PAR1')]);
    const stagedFolder = (name: string) => {
      const folder = path.join(dir, name);
      mkdirSync(folder, { recursive: true });
      const files = [0, 1, 2].map((i) => {
        const file = path.join(folder, `part-000${i}.parquet`);
        writeFileSync(file, part(i + 1));
        return file;
      });
      writeStagedChecksums(folder);
      return files;
    };

    const folderOf = (files: string[]) => [path.dirname(files[0])];

    it('passes an untouched folder, in the sha256sum format', async () => {
      const files = stagedFolder('untouched');
      await verifyStagedFolders(folderOf(files));
      const listed = readFileSync(path.join(path.dirname(files[0]), CHECKSUM_FILE), 'utf8').trim().split('\n');
      assert.equal(listed.length, 3);
      assert.match(listed[0], /^[0-9a-f]{64} {2}part-0000\.parquet$/);
    });

    it('refuses a part altered inside a page, though its frame is whole', async () => {
      const files = stagedFolder('altered');
      const bytes = readFileSync(files[1]);
      bytes[20] ^= 0xff;
      writeFileSync(files[1], bytes);
      assertParquetFrame(files[1]);
      await assert.rejects(verifyStagedFolders(folderOf(files)), refused(files[1], /sha256 differs/));
    });

    it('refuses a folder with a listed part missing (even every part), or a part staging did not write', async () => {
      const files = stagedFolder('missing');
      unlinkSync(files[2]);
      await assert.rejects(verifyStagedFolders(folderOf(files)), refused(files[2], /part is missing/));
      const emptied = stagedFolder('emptied');
      for (const file of emptied) unlinkSync(file);
      await assert.rejects(verifyStagedFolders(folderOf(emptied)), refused(emptied[0], /part is missing/));
      const extra = stagedFolder('extra');
      const stray = path.join(path.dirname(extra[0]), 'part-0009.parquet');
      writeFileSync(stray, part(9));
      await assert.rejects(verifyStagedFolders(folderOf(extra)), refused(stray, /not listed/));
    });

    it('checks only the frame of a folder staged before checksums existed', async () => {
      const folder = path.join(dir, 'legacy');
      mkdirSync(folder, { recursive: true });
      write('legacy/part-0000.parquet', part(1));
      await verifyStagedFolders([folder]);
      const truncated = write('legacy/part-0001.parquet', part(1).subarray(0, 40));
      await assert.rejects(verifyStagedFolders([folder]), refused(truncated, /magic bytes at the end/));
    });
  });
});
