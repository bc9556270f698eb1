import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startGatedProcessGroup } from './run-process-group.js';
import { createScratch, startHolder, survivorsOf, uniqueSleepSeconds } from './test-support/scratch.js';

const scratch = createScratch();
afterAll(() => scratch.cleanup());

/**
 * A stand-in for a sandbox launcher that takes `setupSeconds` to get ready, then behaves as the
 * warm sandbox's gate does: one byte on fd 3, then a line on stdin before it runs `command`.
 */
function slowGate(setupSeconds: number, command: string): string[] {
  return [
    'bash',
    '-c',
    // SIGPIPE ignored: with the holder dead, the ready byte alone would kill the shell (its reader
    // is gone), hiding whether a release line had been written ahead of it.
    `trap '' PIPE; sleep ${setupSeconds}; printf . >&3 2>/dev/null; exec 3>&-; read -r _ || exit 125; exec bash -c "$0"`,
    command,
  ];
}

const watch = { timeoutMs: 10_000, killGraceMs: 500, onStdout: () => undefined, onStderr: () => undefined };

describe('a gated process group', () => {
  it('released before its command is ready, runs it once it is', async () => {
    const folder = join(scratch.root, 'early-release');
    mkdirSync(folder, { recursive: true });
    const group = startGatedProcessGroup(slowGate(0.3, 'touch ran'), { cwd: folder, env: { PATH: '/usr/bin:/bin' } });
    const order: string[] = [];
    void group.released.then(() => order.push('line written'));
    const running = group.release(watch);
    await new Promise((resolve) => setTimeout(resolve, 100));
    order.push('100 ms after the release');
    const exit = await running;
    expect(order).toEqual(['100 ms after the release', 'line written']);
    expect(exit).toMatchObject({ exitCode: 0, termination: null });
    expect(existsSync(join(folder, 'ran'))).toBe(true);
  });

  it('runs nothing when the process holding it dies after the release but before the command is ready', async () => {
    const folder = join(scratch.root, 'killed-holder');
    mkdirSync(folder, { recursive: true });
    const marker = uniqueSleepSeconds();
    const holder = join(scratch.root, 'hold-gated.ts');
    const module = fileURLToPath(new URL('./run-process-group.ts', import.meta.url));
    const { child, said } = await startHolder(holder, [
      `import { startGatedProcessGroup } from ${JSON.stringify(module)};`,
      `const group = startGatedProcessGroup(${JSON.stringify(slowGate(0.8, `touch ran; sleep ${marker}`))}, { cwd: ${JSON.stringify(folder)}, env: { PATH: '/usr/bin:/bin' } });`,
      'void group.release({ timeoutMs: 10_000, killGraceMs: 500, onStdout: () => undefined, onStderr: () => undefined });',
      // Time for the worker thread to hand on a release line, had one been written at once.
      "setTimeout(() => process.stdout.write('released\\n'), 250);",
      'setInterval(() => undefined, 1000);',
    ]);
    expect(said).toBe('released');
    // Killed while the stand-in launcher is still setting up: the release line was never written.
    child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(existsSync(join(folder, 'ran'))).toBe(false);
    expect(await survivorsOf(marker, 0)).toEqual([]);
  });

  it('resolves null, running nothing it was given, when its command ends without saying it is ready', async () => {
    const folder = join(scratch.root, 'never-ready');
    mkdirSync(folder, { recursive: true });
    // A command that does not wait for the release (as bash does when it cannot read the gate).
    const group = startGatedProcessGroup(['bash', '-c', 'touch ran-ungated'], {
      cwd: folder,
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(await group.release(watch)).toBeNull();
    expect(existsSync(join(folder, 'ran-ungated'))).toBe(true);
  });
});
