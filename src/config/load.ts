import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Config, configSchema } from './schema.js';
import { ConfigError, type ConfigIssue } from './errors.js';

type PlainObject = Record<string, unknown>;

/** One source of settings, lowest priority first when merged. */
export interface ConfigLayer {
  /** Shown in error messages: a file path or `command line`. */
  name: string;
  values: PlainObject;
}

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a YAML file into a layer; a syntax error names the file and line. */
export function readConfigFile(path: string): ConfigLayer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // A folder, an unreadable file: the user's to fix, named like any other config problem.
    const reason = (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a folder, not a YAML file' : `cannot be read (${(error as Error).message})`;
    throw new ConfigError([{ file: path, key: '', message: reason }]);
  }
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
  const values: unknown = document.toJS() ?? {};
  if (!isPlainObject(values)) {
    throw new ConfigError([{ file: path, key: '', message: 'expected a mapping of keys at the top level' }]);
  }
  return { name: path, values };
}

const variablePattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Expands `${VAR}` and `${VAR:-default}` in every string of a layer; an unset variable is an issue. */
export function expandVariables(layer: ConfigLayer, env: NodeJS.ProcessEnv, issues: ConfigIssue[]): ConfigLayer {
  const expand = (value: unknown, path: string[]): unknown => {
    if (typeof value === 'string') {
      return value.replace(variablePattern, (whole, name: string, fallback: string | undefined) => {
        const found = env[name];
        if (found !== undefined && found !== '') return found;
        if (fallback !== undefined) return fallback;
        issues.push({ file: layer.name, key: path.join('.'), message: `environment variable ${name} is not set (used as ${whole})` });
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
    if (!isPlainObject(current) || !(String(segment) in current)) return false;
    current = current[String(segment)];
  }
  return true;
}

function locate(layers: ConfigLayer[], path: readonly PropertyKey[]): string {
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index];
    if (layer && hasPath(layer.values, path)) return layer.name;
  }
  return layers.at(-1)?.name ?? 'defaults';
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
export function resolveConfig(layers: ConfigLayer[], env: NodeJS.ProcessEnv = process.env): Config {
  const issues: ConfigIssue[] = [];
  const expanded = layers.map((layer) => expandVariables(layer, env, issues));
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
}

/** defaults ← experiment config.yaml ← --config FILE ← flags. */
export function loadConfig(options: LoadConfigOptions): { config: Config; files: string[] } {
  const layers: ConfigLayer[] = [];
  const experimentFile = `${options.experimentDir}/config.yaml`;
  if (existsSync(experimentFile)) layers.push(readConfigFile(experimentFile));
  if (options.configFile !== undefined) {
    if (!existsSync(options.configFile)) {
      throw new ConfigError([{ file: options.configFile, key: '', message: 'file not found (given with --config)' }]);
    }
    layers.push(readConfigFile(options.configFile));
  }
  if (options.flags && Object.keys(options.flags).length > 0) layers.push({ name: 'command line', values: options.flags });
  return { config: resolveConfig(layers, options.env ?? process.env), files: layers.map((layer) => layer.name) };
}
