// `npm run web -- --min-free-disk-mb N`: the free-space threshold of the disk watch, and what it refuses.
import { expect, it } from 'vitest';
import { UsageError } from '../../main/cli/commandLine';
import { parseWebArgs } from '../../main/web/cli';

it('takes a whole number of megabytes and refuses anything else in one sentence', () => {
  expect(parseWebArgs(['--min-free-disk-mb', '2048'], {})).toMatchObject({ minFreeDiskMb: 2048 });
  expect(parseWebArgs([], {})).not.toHaveProperty('minFreeDiskMb');
  for (const bad of ['-5', '1.5', 'lots', '1e3', '99999999999']) {
    expect(() => parseWebArgs(['--min-free-disk-mb', bad], {}), bad).toThrow(UsageError);
    expect(() => parseWebArgs(['--min-free-disk-mb', bad], {}), bad).toThrow(`--min-free-disk-mb: a whole number of megabytes, not "${bad}"`);
  }
  expect(() => parseWebArgs(['--min-free-disk-mb'], {})).toThrow('--min-free-disk-mb: needs a value');
});
