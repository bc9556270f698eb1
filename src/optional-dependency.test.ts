import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importOptional, installCommand, requireOptional } from './optional-dependency.js';
import { rejectedAsiError, thrownAsiError } from './test-support/asi-error.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  peerDependencies: Record<string, string>;
};
const use = {
  feature: 'the job queue (cluster.executor: queue)',
  packages: ['asi-evolve-no-such-package', 'bullmq'],
  key: 'cluster.executor',
};

describe('optional dependencies', () => {
  it('names a missing package, the feature that needs it, and the install command at the tested versions', async () => {
    const error = await rejectedAsiError(importOptional('asi-evolve-no-such-package', use));
    expect(error).toMatchObject({ code: 'DEPENDENCY_MISSING', key: 'cluster.executor', isUserError: true });
    expect(error.message).toBe(
      'The job queue (cluster.executor: queue) needs the package asi-evolve-no-such-package, which is not installed',
    );
    expect(error.hint).toBe(
      `Install it beside asi-evolve: npm install asi-evolve-no-such-package bullmq@${manifest.peerDependencies.bullmq}`,
    );
    expect(thrownAsiError(() => requireOptional('asi-evolve-no-such-package', use)).code).toBe('DEPENDENCY_MISSING');
  });

  it('loads an installed one, by import and by require', async () => {
    const yaml = await importOptional<typeof import('yaml')>('yaml', use);
    expect(yaml.parse('a: 1')).toEqual({ a: 1 });
    expect(requireOptional<typeof import('yaml')>('yaml', use).stringify({ a: 1 })).toBe('a: 1\n');
  });

  it('pins each package the manifest lists, and leaves an unknown one bare', () => {
    expect(installCommand(['ioredis', 'left-pad'])).toBe(
      `npm install ioredis@${manifest.peerDependencies.ioredis} left-pad`,
    );
  });
});
