import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { detectSandboxCapabilities, type SandboxCapabilities } from './capabilities.js';
import type { SandboxSettings } from './outcome.js';
import { describeSandbox, planSandbox } from './sandbox-plan.js';

const detected = detectSandboxCapabilities({ probe: false });
function machine(overrides: Partial<SandboxCapabilities>): SandboxCapabilities {
  // The machine running the tests may lack bubblewrap or force it off: the fixtures fix both.
  return {
    ...detected,
    prlimitPath: '/usr/bin/prlimit',
    resourceLimits: true,
    bwrapPath: '/usr/bin/bwrap',
    bubblewrapForcedOff: false,
    ...overrides,
  };
}
const both = machine({
  isolation: { bubblewrap: true, unshare: true },
  asRoot: true,
  dropUser: { uid: 65534, gid: 65534 },
});
const onlyUnshare = machine({ isolation: { bubblewrap: false, unshare: true }, asRoot: true, dropUser: null });
const neither = machine({
  isolation: { bubblewrap: false, unshare: false },
  asRoot: true,
  dropUser: null,
  bwrapPath: null,
});
const limits = { memoryBytes: 4 * 1024 ** 3, fileSizeBytes: 1024 ** 3, maxProcesses: 512 };

describe('planSandbox', () => {
  it('picks the strongest mode under auto', () => {
    const settings: SandboxSettings = { mode: 'auto', network: false, readPaths: [] };
    expect(planSandbox(settings, both)).toEqual({
      mode: 'bubblewrap',
      network: false,
      dropUser: { uid: 65534, gid: 65534 },
    });
    expect(planSandbox(settings, onlyUnshare)).toEqual({ mode: 'unshare', network: false, dropUser: null });
    expect(planSandbox(settings, neither)).toEqual({ mode: 'none', network: true, dropUser: null });
  });

  it('treats a job without settings as a process group only', () => {
    expect(planSandbox(undefined, both).mode).toBe('none');
  });

  it('refuses a named mode that is missing, with the key and a hint', () => {
    let error: unknown;
    try {
      planSandbox({ mode: 'bubblewrap', network: false, readPaths: [] }, neither);
    } catch (caught) {
      error = caught;
    }
    expect(AsiEvolveError.isInstance(error) && [error.code, error.key]).toEqual([
      'CONFIG_INVALID',
      'evaluator.sandbox.mode',
    ]);
    expect((error as AsiEvolveError).hint).toContain('apt-get install bubblewrap');
  });
});

describe('describeSandbox', () => {
  it('states what is active and that nothing is missing under bubblewrap as root', () => {
    const line = describeSandbox(planSandbox({ mode: 'auto', network: false, readPaths: [] }, both), both, limits);
    expect(line.startsWith('Sandbox: bubblewrap (own PID namespace')).toBe(true);
    expect(line).toContain('candidates run as uid 65534');
    expect(line).toContain('no network');
    expect(line).toContain('limits: memory 4 GiB per process, file size 1 GiB, 512 processes');
    expect(line.endsWith('Not active: nothing.')).toBe(true);
    expect(line).not.toContain('\n');
  });

  it('states what is missing without a namespace sandbox, as root', () => {
    const line = describeSandbox(
      planSandbox({ mode: 'auto', network: false, readPaths: [] }, neither),
      neither,
      limits,
    );
    expect(line.startsWith('Sandbox: none (process-group kill at the time limit')).toBe(true);
    expect(line).toContain(
      'Not active: containment of setsid escapes; a filesystem view (bubblewrap not installed: candidates can read and write what this user can, the database included; apt-get install bubblewrap)',
    );
    expect(line).toContain('network isolation');
    expect(line).toContain('the process-count limit (not enforced for root)');
  });

  it('says when candidates have the network on purpose, and when prlimit is missing', () => {
    const plan = planSandbox({ mode: 'unshare', network: true, readPaths: [] }, onlyUnshare);
    const line = describeSandbox(plan, { ...onlyUnshare, prlimitPath: null }, limits);
    expect(line).toContain(
      'Not active: a filesystem view (bubblewrap does not work here: candidates can read the rest of the machine)',
    );
    expect(line).toContain('network isolation; resource limits (prlimit not found)');
  });

  it("states the fallback's read-only filesystem and hidden experiment entries, and why bubblewrap is not used", () => {
    const forcedOff = { ...onlyUnshare, bubblewrapForcedOff: true, dropUser: { uid: 65534, gid: 65534 } };
    const line = describeSandbox(
      planSandbox({ mode: 'auto', network: false, readPaths: [] }, forcedOff),
      forcedOff,
      limits,
    );
    expect(line).toContain(
      "own mount namespace: every folder read-only but the step folder; the experiment's config, database, best/ and other steps hidden; candidates run as uid 65534",
    );
    expect(line).toContain(
      'a filesystem view (bubblewrap forced off by ASI_EVOLVE_NO_BUBBLEWRAP=1: candidates can read the rest of the machine)',
    );
  });
});
