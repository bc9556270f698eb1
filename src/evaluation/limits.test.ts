import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { defaultLimits, formatBytes, hasLimits, parseSize, prlimitArguments, ulimitArguments } from './limits.js';

describe('parseSize', () => {
  it.each([
    ['4GiB', 4 * 1024 ** 3],
    ['512M', 512 * 1024 ** 2],
    ['1.5 GB', 1.5e9],
    ['100kb', 100_000],
    ['2048', 2048],
    [' 1 g ', 1024 ** 3],
    [12.7, 12],
  ] as const)('%s → %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each(['', 'four GiB', '4 parsecs', '-1M', Number.NaN])('refuses %s with a config error', (text) => {
    let caught: unknown;
    try {
      parseSize(text);
    } catch (error) {
      caught = error;
    }
    expect(AsiEvolveError.isInstance(caught) && caught.code).toBe('CONFIG_INVALID');
  });
});

describe('formatBytes', () => {
  it('uses the largest whole unit', () => {
    expect(formatBytes(4 * 1024 ** 3)).toBe('4 GiB');
    expect(formatBytes(300 * 1024 ** 2)).toBe('300 MiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(300_000_000)).toBe('286.1 MiB');
  });
});

describe('prlimitArguments', () => {
  it('builds one option per limit, then turns core dumps off', () => {
    expect(prlimitArguments({ memoryBytes: 1024, cpuSeconds: 60, fileSizeBytes: 2048, maxProcesses: 64 })).toEqual([
      '--as=1024',
      '--cpu=60:61',
      '--fsize=2048',
      '--nproc=64',
      '--core=0',
    ]);
  });

  it('is empty when nothing is limited', () => {
    expect(prlimitArguments({})).toEqual([]);
    expect(hasLimits({})).toBe(false);
    expect(hasLimits(defaultLimits)).toBe(true);
  });

  it('refuses a limit that is not positive, naming it', () => {
    expect(() => prlimitArguments({ cpuSeconds: 0 })).toThrow(/cpuSeconds/);
    expect(() => prlimitArguments({ memoryBytes: Number.NaN })).toThrow(/memoryBytes/);
  });
});

describe('ulimitArguments', () => {
  it('gives the same limits as ulimit pairs, in KiB, the CPU hard limit before the soft one', () => {
    expect(ulimitArguments({ memoryBytes: 4096, cpuSeconds: 60, fileSizeBytes: 2048, maxProcesses: 64 })).toEqual([
      '-v',
      '4',
      '-t',
      '61',
      '-St',
      '60',
      '-f',
      '2',
      '-u',
      '64',
      '-c',
      '0',
    ]);
    expect(ulimitArguments(defaultLimits)).toEqual(['-v', '4194304', '-f', '1048576', '-u', '512', '-c', '0']);
  });

  it('is null for a size ulimit cannot express (not whole KiB), and empty when nothing is limited', () => {
    expect(ulimitArguments({ memoryBytes: 1000 })).toBeNull();
    expect(ulimitArguments({ fileSizeBytes: 10 ** 9 })).toBeNull();
    expect(ulimitArguments({})).toEqual([]);
    expect(() => ulimitArguments({ maxProcesses: -1 })).toThrow(/maxProcesses/);
  });
});
