import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AsiEvolveError } from './errors.js';

/**
 * Integrations most users never touch (the Redis job queue, the approximate cognition index,
 * the MCP server) are optional peer dependencies: `npm install asi-evolve` leaves them out,
 * and the part that needs one loads it when it is first used. This names the package and the
 * command that installs it when it is missing.
 */
export interface OptionalUse {
  /** What needs the packages, as a user would name it: "the job queue (cluster.executor: queue)". */
  feature: string;
  /** Every package the feature needs, so that one install command brings them all. */
  packages: readonly string[];
  /** The config key that turned the feature on, where there is one. */
  key?: string;
}

let pinned: Record<string, string> | undefined;

/** The versions this package was built and tested with, from its package.json. */
function pinnedVersions(): Record<string, string> {
  if (pinned !== undefined) return pinned;
  try {
    // src/ and dist/ both sit one level below the package root.
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    pinned = { ...manifest.devDependencies, ...manifest.peerDependencies, ...manifest.dependencies };
  } catch {
    pinned = {};
  }
  return pinned;
}

/** `npm install bullmq@6.7.0 ioredis@6.0.0`: the packages at the versions this package was tested with. */
export function installCommand(packages: readonly string[]): string {
  const versions = pinnedVersions();
  return `npm install ${packages.map((name) => (versions[name] === undefined ? name : `${name}@${versions[name]}`)).join(' ')}`;
}

/** The package a specifier names: `@scope/name` or `name`, without a subpath. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** True when `error` says that package `name` itself (not something it imports) could not be found. */
function isMissing(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  if (typeof message !== 'string') return false;
  // "Cannot find package 'x'" or "Cannot find module 'x/sub'"; a folder left without its files names its path.
  return [`'${name}'`, `"${name}"`, `'${name}/`, `/node_modules/${name}/`].some((form) => message.includes(form));
}

function missingError(name: string, use: OptionalUse, cause: unknown): AsiEvolveError {
  return new AsiEvolveError(
    'DEPENDENCY_MISSING',
    `${capitalise(use.feature)} needs the package ${name}, which is not installed`,
    {
      cause,
      ...(use.key === undefined ? {} : { key: use.key }),
      hint: `Install it beside asi-evolve: ${installCommand(use.packages)}`,
    },
  );
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Imports an optional package or a subpath of one (ESM `import()`); throws DEPENDENCY_MISSING naming it and the
 * install command when it is not installed. Other load errors are thrown as they are.
 *
 * @example
 * const { Queue } = await importOptional<typeof import('bullmq')>('bullmq', { feature: 'the job queue', packages: ['bullmq', 'ioredis'] });
 */
export async function importOptional<Module>(specifier: string, use: OptionalUse): Promise<Module> {
  try {
    return (await import(specifier)) as Module;
  } catch (error) {
    const name = packageOf(specifier);
    if (isMissing(error, name)) throw missingError(name, use, error);
    throw error;
  }
}

/** {@link importOptional} through `require`, for a CommonJS package needed synchronously. */
export function requireOptional<Module>(specifier: string, use: OptionalUse): Module {
  try {
    return createRequire(import.meta.url)(specifier) as Module;
  } catch (error) {
    const name = packageOf(specifier);
    if (isMissing(error, name)) throw missingError(name, use, error);
    throw error;
  }
}
