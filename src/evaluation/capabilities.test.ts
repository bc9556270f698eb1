import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requires } from '../test-support/requires.js';
import {
  bubblewrapOffVariable,
  detectSandboxCapabilities,
  detectSandboxCapabilitiesInBackground,
  findExecutable,
  searchDirectories,
  unprivilegedUser,
} from './capabilities.js';

const folder = mkdtempSync(join(tmpdir(), 'asi-capabilities-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function executable(name: string, text: string): void {
  writeFileSync(join(folder, name), text);
  chmodSync(join(folder, name), 0o755);
}

describe('detectSandboxCapabilities', () => {
  it('reports limits and isolation as off, with notes, where prlimit and bwrap are missing', () => {
    executable('bash', '#!/bin/sh\n');
    const capabilities = detectSandboxCapabilities({ directories: [folder], env: {} });
    expect(capabilities).toMatchObject({
      resourceLimits: false,
      prlimitPath: null,
      bashPath: join(folder, 'bash'),
      bwrapPath: null,
      isolation: { bubblewrap: false, unshare: false },
      containsSessionEscape: false,
      networkIsolation: false,
    });
    expect(capabilities.notes.some((note) => note.startsWith('prlimit (util-linux) was not found'))).toBe(true);
    expect(capabilities.notes).toContain(
      'bubblewrap was not found, and no fallback works here: candidates are not contained and can read and write what this user can, the database included. Install bubblewrap: apt-get install bubblewrap',
    );
    expect(capabilities.notes).toContain('Candidates have network access.');
  });

  it('finds bwrap but reports it unusable when its probe fails (restricted namespaces)', () => {
    executable('bwrap', '#!/bin/sh\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n');
    const capabilities = detectSandboxCapabilities({ directories: [folder, '/usr/bin', '/bin'], env: {} });
    expect(capabilities.bwrapPath).toBe(join(folder, 'bwrap'));
    // The folder's bash is a stub that does nothing, so the fallback's probe fails too.
    expect(capabilities.isolation).toEqual({ bubblewrap: false, unshare: false });
    expect(capabilities.dropUser).toBeNull();
    expect(
      capabilities.notes.some((note) =>
        note.startsWith('bubblewrap does not work here (user namespaces restricted?), and no fallback works here'),
      ),
    ).toBe(true);
  });

  it('finds prlimit, bash and a working bubblewrap on this machine', requires('bubblewrap'), () => {
    const capabilities = detectSandboxCapabilities({ env: {} });
    expect(capabilities.resourceLimits).toBe(true);
    expect(capabilities.prlimitPath).toMatch(/prlimit$/);
    expect(capabilities.isolation.bubblewrap).toBe(true);
    expect(capabilities.containsSessionEscape).toBe(true);
    expect(capabilities.networkIsolation).toBe(true);
    if (capabilities.asRoot) expect(capabilities.dropUser).toEqual(unprivilegedUser);
    expect(capabilities.notes).toEqual([]);
  });

  it('uses the fallback although bubblewrap works when ASI_EVOLVE_NO_BUBBLEWRAP=1, and says so', () => {
    const capabilities = detectSandboxCapabilities({ env: { [bubblewrapOffVariable]: '1' } });
    expect(capabilities).toMatchObject({
      bubblewrapForcedOff: true,
      isolation: { bubblewrap: false, unshare: true },
      containsSessionEscape: true,
    });
    // The fallback hands candidates to an unprivileged user as root, as bubblewrap does.
    expect(capabilities.dropUser).toEqual(capabilities.asRoot ? unprivilegedUser : null);
    expect(
      capabilities.notes.some((note) =>
        note.startsWith('bubblewrap is forced off (ASI_EVOLVE_NO_BUBBLEWRAP=1): the fallback sandbox'),
      ),
    ).toBe(true);
  });

  it('detects in the background what the blocking probes detect, the failing bwrap stub and the fallback included', async () => {
    for (const options of [
      { directories: [folder, '/usr/bin', '/bin'], env: {} },
      { env: {} },
      { env: { [bubblewrapOffVariable]: '1' } },
    ]) {
      expect(await detectSandboxCapabilitiesInBackground(options)).toEqual(detectSandboxCapabilities(options));
    }
  });

  it('skips the probes when asked', () => {
    const capabilities = detectSandboxCapabilities({ probe: false });
    expect(capabilities.isolation).toEqual({ bubblewrap: false, unshare: false });
  });
});

describe('findExecutable', () => {
  it('skips files that are not executable', () => {
    writeFileSync(join(folder, 'plain'), 'x');
    expect(findExecutable('plain', [folder])).toBeNull();
    expect(searchDirectories('/a:/b').slice(0, 2)).toEqual(['/a', '/b']);
  });
});
