import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectSandboxCapabilities, findExecutable, searchDirectories } from './capabilities.js';

const folder = mkdtempSync(join(tmpdir(), 'asi-capabilities-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('detectSandboxCapabilities', () => {
  it('reports limits as off, with a note, where prlimit is missing', () => {
    writeFileSync(join(folder, 'bash'), '#!/bin/sh\n');
    chmodSync(join(folder, 'bash'), 0o755);
    const capabilities = detectSandboxCapabilities({ directories: [folder] });
    expect(capabilities).toMatchObject({ resourceLimits: false, prlimitPath: null, bashPath: join(folder, 'bash') });
    expect(capabilities.notes.some((note) => note.startsWith('prlimit (util-linux) was not found'))).toBe(true);
  });

  it('finds prlimit and bash on this machine', () => {
    const capabilities = detectSandboxCapabilities();
    expect(capabilities.resourceLimits).toBe(true);
    expect(capabilities.prlimitPath).toMatch(/prlimit$/);
    expect(capabilities.containsSessionEscape).toBe(false);
  });
});

describe('findExecutable', () => {
  it('skips files that are not executable', () => {
    writeFileSync(join(folder, 'plain'), 'x');
    expect(findExecutable('plain', [folder])).toBeNull();
    expect(searchDirectories('/a:/b').slice(0, 2)).toEqual(['/a', '/b']);
  });
});
