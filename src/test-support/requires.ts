import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  bubblewrapOffVariable,
  findExecutable,
  sandboxCapabilities,
  searchDirectories,
} from '../evaluation/capabilities.js';

/**
 * The optional system parts some tests need. `npm test` passes without them: a test that needs
 * one is skipped, and the run's closing summary (test/summary-reporter.ts) lists what was
 * skipped and how to install the part. `.ci/run` installs them all and sets
 * ASI_EVOLVE_REQUIRE_ALL=1, under which a missing part fails the run instead.
 *
 * ASI_EVOLVE_TEST_WITHOUT=bubblewrap,redis (a comma list of names below) makes the tests treat
 * those parts as missing, to see the skips on a machine that has them.
 */
export type OptionalComponent = 'bubblewrap' | 'chromium' | 'redis' | 'slurm' | 'torch';

/** What the summary reporter reads from a skipped test's (or its suite's) metadata. */
export interface MissingComponent {
  component: OptionalComponent;
  /** One line: what is missing and how to install it. */
  reason: string;
}

declare module 'vitest' {
  interface TaskMeta {
    /** Set on a suite or test skipped because an optional system part is missing. */
    missingComponent?: MissingComponent;
  }
}

/** The browser the dashboard tests drive (Debian's chromium package). */
export const chromiumPath = '/usr/bin/chromium';

interface ComponentCheck {
  /** Null when present, otherwise what is missing. */
  missing(): string | null;
  install: string;
}

const onPath = (name: string): boolean => findExecutable(name, searchDirectories(process.env.PATH)) !== null;

const checks: Record<OptionalComponent, ComponentCheck> = {
  bubblewrap: {
    // The sandbox's own probe: bwrap may be installed where the kernel refuses its namespaces.
    missing: () => {
      const capabilities = sandboxCapabilities();
      if (capabilities.isolation.bubblewrap) return null;
      if (capabilities.bubblewrapForcedOff) return `bubblewrap is forced off (${bubblewrapOffVariable}=1)`;
      return capabilities.bwrapPath === null
        ? 'bubblewrap (bwrap) is not installed'
        : 'bubblewrap is installed but cannot create namespaces here';
    },
    install: 'apt-get install -y bubblewrap',
  },
  chromium: {
    missing: () => (existsSync(chromiumPath) ? null : `chromium is not installed (${chromiumPath})`),
    install: 'apt-get install -y chromium',
  },
  redis: {
    missing: () => (onPath('redis-server') ? null : 'redis-server is not installed'),
    install: 'apt-get install -y redis-server',
  },
  slurm: {
    missing: () => {
      const absent = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue'].filter((name) => !onPath(name));
      return absent.length === 0 ? null : `Slurm and munge are not installed (no ${absent.join(', ')})`;
    },
    install: 'apt-get install -y slurm-wlm munge',
  },
  torch: {
    // The examples run `python3` from PATH, so that is the interpreter asked.
    missing: () =>
      spawnSync('python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0
        ? null
        : 'PyTorch is not importable by python3',
    install: 'pip install torch',
  },
};

const components = Object.keys(checks) as OptionalComponent[];
const detected = new Map<OptionalComponent, string | null>();

function pretendMissing(env: NodeJS.ProcessEnv): Set<string> {
  const names = (env.ASI_EVOLVE_TEST_WITHOUT ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  const unknown = names.filter((name) => !components.includes(name as OptionalComponent));
  if (unknown.length > 0)
    throw new Error(`ASI_EVOLVE_TEST_WITHOUT names ${unknown.join(', ')}; known parts: ${components.join(', ')}`);
  return new Set(names);
}

/** Null when `component` is present on this machine; otherwise one line: what is missing, how to install it. */
export function missingComponent(component: OptionalComponent, env: NodeJS.ProcessEnv = process.env): string | null {
  if (pretendMissing(env).has(component))
    return `${component} is treated as missing (ASI_EVOLVE_TEST_WITHOUT); install: ${checks[component].install}`;
  if (!detected.has(component)) detected.set(component, checks[component].missing());
  const missing = detected.get(component) ?? null;
  return missing === null ? null : `${missing}; install: ${checks[component].install}`;
}

/**
 * Options for `describe` or `it` that skip the suite or test when `component` is missing,
 * recording why for the closing summary. Under ASI_EVOLVE_REQUIRE_ALL=1 (CI) a missing part
 * throws instead, so the test file fails rather than being skipped.
 *
 * @example
 * describe('queue executor', requires('redis'), () => { ... });
 */
export function requires(
  component: OptionalComponent,
  env: NodeJS.ProcessEnv = process.env,
): { skip: boolean; meta: { missingComponent?: MissingComponent } } {
  const reason = missingComponent(component, env);
  if (reason === null) return { skip: false, meta: {} };
  if (env.ASI_EVOLVE_REQUIRE_ALL === '1')
    throw new Error(`ASI_EVOLVE_REQUIRE_ALL=1 and a test needs ${component}: ${reason}`);
  return { skip: true, meta: { missingComponent: { component, reason } } };
}
