import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveInside } from './safe-path.js';

let root: string;
let outside: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'asi-evolve-safe-'));
  outside = mkdtempSync(join(tmpdir(), 'asi-evolve-outside-'));
  mkdirSync(join(root, 'steps', 'step_1'), { recursive: true });
  writeFileSync(join(root, 'steps', 'step_1', 'stdout.log'), 'hello');
  writeFileSync(join(outside, 'secret.txt'), 'secret');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('resolveInside', () => {
  it('resolves a file inside the folder, with its real relative path', () => {
    const result = resolveInside(root, 'steps/step_1/stdout.log');
    expect(result).toMatchObject({ ok: true, relative: join('steps', 'step_1', 'stdout.log'), isDirectory: false });
  });

  it('refuses `..` segments, even ones that would come back inside', () => {
    expect(resolveInside(root, '../etc/passwd')).toMatchObject({ ok: false, status: 403 });
    expect(resolveInside(root, 'steps/../steps/step_1/stdout.log')).toMatchObject({ ok: false, status: 403 });
    expect(resolveInside(root, 'steps\\..\\..\\x')).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses absolute paths and NUL bytes', () => {
    expect(resolveInside(root, '/etc/passwd')).toMatchObject({ ok: false, status: 403 });
    expect(resolveInside(root, 'C:/Windows')).toMatchObject({ ok: false, status: 403 });
    expect(resolveInside(root, 'steps/step_1/stdout.log\0.png')).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a symbolic link that points outside, to a file or a folder', () => {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'steps', 'step_1', 'leak.txt'));
    symlinkSync(outside, join(root, 'steps', 'elsewhere'));
    expect(resolveInside(root, 'steps/step_1/leak.txt')).toMatchObject({ ok: false, status: 403 });
    expect(resolveInside(root, 'steps/elsewhere/secret.txt')).toMatchObject({ ok: false, status: 403 });
  });

  it('follows a symbolic link that stays inside', () => {
    symlinkSync(join(root, 'steps', 'step_1', 'stdout.log'), join(root, 'steps', 'alias.log'));
    expect(resolveInside(root, 'steps/alias.log')).toMatchObject({
      ok: true,
      relative: join('steps', 'step_1', 'stdout.log'),
    });
  });

  it('reports a missing file or a dangling link as 404', () => {
    symlinkSync(join(root, 'nowhere'), join(root, 'steps', 'dangling'));
    expect(resolveInside(root, 'steps/step_9/stdout.log')).toMatchObject({ ok: false, status: 404 });
    expect(resolveInside(root, 'steps/dangling')).toMatchObject({ ok: false, status: 404 });
  });
});
