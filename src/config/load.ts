import { existsSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Config, configSchema } from './schema.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { readTextFile } from './text-file.js';
import { compatibilityKeysSet, type CompatibilityKey } from './compat-keys.js';

type PlainObject = Record<string, unknown>;

/** The name of the layer of command-line flags. */
const commandLine = 'command line';

/** One source of settings, lowest priority first when merged. */
export interface ConfigLayer {
  /** Shown in error messages: a file path or `command line`. */
  name: string;
  values: PlainObject;
}

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A config file larger than this is a mistake (a log, a data file), refused before it is read. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Alias expansions allowed in one YAML document; an alias bomb needs far more. */
const MAX_YAML_ALIASES = 100;

function configIssue(path: string, message: string, key = ''): ConfigError {
  return new ConfigError([{ file: path, key, message }]);
}

/** Keys that would set an object's prototype when merged: refused wherever they appear. */
const forbiddenKeys = new Set(['__proto__']);

function findForbiddenKeys(value: unknown, path: string[], found: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((entry, index) => findForbiddenKeys(entry, [...path, String(index)], found));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (forbiddenKeys.has(key)) found.push([...path, key].join('.'));
    else findForbiddenKeys(value[key], [...path, key], found);
  }
}

/** Reads a YAML file into a layer; a syntax error names the file and line. */
export function readConfigFile(path: string): ConfigLayer {
  const read = readTextFile(path, MAX_CONFIG_BYTES);
  if (!read.ok) throw configIssue(path, read.problem.replace('not a text file', 'not a YAML file'));
  const text = read.text;
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => ({
        file: path,
        key: '',
        message: `YAML syntax error${error.linePos ? ` at line ${error.linePos[0].line}` : ''}: ${error.message.split('\n')[0]}`,
      })),
    );
  }
  let values: unknown;
  try {
    values = document.toJS({ maxAliasCount: MAX_YAML_ALIASES }) ?? {};
  } catch (error) {
    // The yaml library throws a ReferenceError for an alias bomb (and for an alias to a missing anchor).
    if (!(error instanceof ReferenceError)) throw error;
    const bomb = /alias count/i.test(error.message);
    throw configIssue(
      path,
      bomb
        ? `YAML aliases expand to too many values (more than ${MAX_YAML_ALIASES} alias uses); write the values out`
        : `YAML error: ${error.message}`,
    );
  }
  if (!isPlainObject(values)) {
    throw configIssue(path, 'expected a mapping of keys at the top level');
  }
  const forbidden: string[] = [];
  findForbiddenKeys(values, [], forbidden);
  if (forbidden.length > 0) {
    throw new ConfigError(forbidden.map((key) => ({ file: path, key, message: 'the key __proto__ is not allowed' })));
  }
  return { name: path, values };
}

const variablePattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** The sections that only say how to reach a model: a command that calls none never reads them. */
const modelSections = new Set(['api', 'models']);

/**
 * Expands `${VAR}` and `${VAR:-default}` in every string of a layer; an unset variable is an
 * issue, except under `api` and `models` when `callsNoModel` (it becomes empty there).
 */
export function expandVariables(
  layer: ConfigLayer,
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
  options: { callsNoModel?: boolean } = {},
): ConfigLayer {
  const expand = (value: unknown, path: string[]): unknown => {
    if (typeof value === 'string') {
      const unterminated = /\$\{[^}]*$/.exec(value);
      if (unterminated !== null) {
        const shown = unterminated[0].length > 40 ? `${unterminated[0].slice(0, 40)}…` : unterminated[0];
        issues.push({
          file: layer.name,
          key: path.join('.'),
          message: `\`${shown}\` is not closed: write \${NAME} or \${NAME:-default}`,
        });
        return value;
      }
      return value.replace(variablePattern, (whole, name: string, fallback: string | undefined) => {
        const found = env[name];
        if (found !== undefined && found !== '') return found;
        if (fallback !== undefined) return fallback;
        if (options.callsNoModel === true && modelSections.has(path[0] ?? '')) return '';
        issues.push({
          file: layer.name,
          key: path.join('.'),
          message: `environment variable ${name} is not set (used as ${whole})`,
        });
        return '';
      });
    }
    if (Array.isArray(value)) return value.map((entry, index) => expand(entry, [...path, String(index)]));
    if (isPlainObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, expand(entry, [...path, key])]));
    }
    return value;
  };
  return { name: layer.name, values: expand(layer.values, []) as PlainObject };
}

/** Deep merge: objects merge key by key, everything else (arrays included) is replaced. */
export function mergeValues(base: PlainObject, override: PlainObject): PlainObject {
  const merged: PlainObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const existing = merged[key];
    merged[key] = isPlainObject(existing) && isPlainObject(value) ? mergeValues(existing, value) : value;
  }
  return merged;
}

function hasPath(values: unknown, path: readonly PropertyKey[]): boolean {
  let current: unknown = values;
  for (const segment of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, String(segment))) return false;
    current = current[String(segment)];
  }
  return true;
}

/**
 * The layer a value at `path` came from: the last layer that sets it; for a value that no layer
 * sets (a required key left out), the last file that sets the deepest part of its path (the
 * file that chose `provider: anthropic` is the one to add `model` to); the first file otherwise.
 */
function locate(layers: ConfigLayer[], path: readonly PropertyKey[]): string {
  let bestDepth = -1;
  let bestName: string | undefined;
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index];
    if (!layer) continue;
    let depth = 0;
    while (depth < path.length && hasPath(layer.values, path.slice(0, depth + 1))) depth++;
    if (depth === path.length && depth > 0) return layer.name;
    // Flags set single values: a key they do not set was left out of a file.
    if (layer.name !== commandLine && depth > bestDepth) {
      bestDepth = depth;
      bestName = layer.name;
    }
  }
  if (bestDepth > 0 && bestName !== undefined) return bestName;
  return layers.find((layer) => layer.name !== commandLine)?.name ?? layers.at(-1)?.name ?? 'defaults';
}

function describeIssues(layers: ConfigLayer[], zodIssues: z.core.$ZodIssue[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of zodIssues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        issues.push({ file: locate(layers, path), key: path.join('.'), message: 'unknown key (check its spelling)' });
      }
      continue;
    }
    issues.push({ file: locate(layers, issue.path), key: issue.path.join('.'), message: issue.message });
  }
  return issues;
}

/**
 * Merges layers (lowest priority first) over the built-in defaults, expands `${VAR}`,
 * and validates everything at once. Throws ConfigError listing every problem.
 */
export function resolveConfig(
  layers: ConfigLayer[],
  env: NodeJS.ProcessEnv = process.env,
  options: { callsNoModel?: boolean } = {},
): Config {
  const issues: ConfigIssue[] = [];
  const expanded = layers.map((layer) => expandVariables(layer, env, issues, options));
  const merged = expanded.reduce<PlainObject>((accumulated, layer) => mergeValues(accumulated, layer.values), {});
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) issues.push(...describeIssues(expanded, parsed.error.issues));
  if (issues.length > 0) throw new ConfigError(issues);
  if (!parsed.success) throw new Error('unreachable: schema failed without issues');
  return parsed.data;
}

export interface LoadConfigOptions {
  experimentDir: string;
  /** `--config FILE` */
  configFile?: string;
  /** Values from command-line flags, already shaped like the config. */
  flags?: PlainObject;
  env?: NodeJS.ProcessEnv;
  /**
   * The command calls no model (`cognition import`, a dry run): an unset `${VAR}` in `api` or
   * `models` (typically the API key) is left empty instead of stopping it.
   */
  callsNoModel?: boolean;
}

/** defaults ← experiment config.yaml ← --config FILE ← flags; `noEffect`: the compatibility-only keys they set. */
export function loadConfig(options: LoadConfigOptions): {
  config: Config;
  files: string[];
  noEffect: CompatibilityKey[];
} {
  const layers: ConfigLayer[] = [];
  const experimentFile = `${options.experimentDir}/config.yaml`;
  if (existsSync(experimentFile)) layers.push(readConfigFile(experimentFile));
  if (options.configFile !== undefined) {
    if (!existsSync(options.configFile)) {
      throw new ConfigError([{ file: options.configFile, key: '', message: 'file not found (given with --config)' }]);
    }
    layers.push(readConfigFile(options.configFile));
  }
  if (options.flags && Object.keys(options.flags).length > 0) layers.push({ name: commandLine, values: options.flags });
  const resolved = resolveConfig(layers, options.env ?? process.env, { callsNoModel: options.callsNoModel === true });
  return {
    config: resolved,
    files: layers.map((layer) => layer.name),
    noEffect: compatibilityKeysSet(layers.map((layer) => layer.values)),
  };
}
