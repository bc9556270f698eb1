import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../e2e/helpers.js';

/** Mounts a small tmpfs for full-disk tests (root only), or says why it cannot. */
export function mountSmallDisk(megabytes: number): { dir: string; unmount: () => void } | string {
  if (process.getuid?.() !== 0) return 'mounting a small disk needs root';
  const dir = join(makeTempDir(), 'disk');
  mkdirSync(dir);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) return `mount -t tmpfs failed: ${mounted.stderr.trim()}`;
  return { dir, unmount: () => spawnSync('umount', ['-l', dir]) };
}
