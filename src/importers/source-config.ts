import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readConfigFile } from '../config/index.js';
import { AsiEvolveError } from '../errors.js';
import type { ReportBuilder } from './report.js';

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A source tool's config, read key by key: each key an importer reads or explains is marked,
 * and {@link SourceConfig.reportRest} lists every key left, so that nothing is dropped silently.
 */
export class SourceConfig {
  readonly #values: PlainObject;
  readonly #used = new Set<string>();

  constructor(
    values: PlainObject,
    /** The file's name as shown in notes, e.g. `config.yaml`. */
    readonly file: string,
  ) {
    this.#values = values;
  }

  /** The value at a dotted path (undefined when absent); the key and all under it count as read. */
  get(path: string): unknown {
    let value: unknown = this.#values;
    for (const part of path.split('.')) {
      if (!isPlainObject(value)) return undefined;
      value = value[part];
    }
    if (value !== undefined) this.#used.add(path);
    return value;
  }

  number(path: string): number | undefined {
    const value = this.get(path);
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  }

  string(path: string): string | undefined {
    const value = this.get(path);
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  }

  boolean(path: string): boolean | undefined {
    const value = this.get(path);
    return typeof value === 'boolean' ? value : undefined;
  }

  /** Marks a present key as read and records why it does not carry over. */
  explain(report: ReportBuilder, path: string, why: string): void {
    if (this.get(path) !== undefined) report.left(`${this.file}: ${path}`, why);
  }

  /** Every leaf key (arrays count as leaves) that no importer read. */
  rest(): string[] {
    const left: string[] = [];
    const visit = (value: unknown, path: string): void => {
      if (path !== '' && this.#isUsed(path)) return;
      if (isPlainObject(value) && Object.keys(value).length > 0) {
        for (const [key, entry] of Object.entries(value)) visit(entry, path === '' ? key : `${path}.${key}`);
        return;
      }
      if (path !== '' && value !== null) left.push(path);
    };
    visit(this.#values, '');
    return left;
  }

  /** Lists each key no importer read as having no equivalent. */
  reportRest(report: ReportBuilder): void {
    for (const path of this.rest()) report.left(`${this.file}: ${path}`, 'no equivalent in asi-evolve; not used');
  }

  #isUsed(path: string): boolean {
    for (let end = path.length; end > 0; end = path.lastIndexOf('.', end - 1)) {
      if (this.#used.has(path.slice(0, end))) return true;
    }
    return false;
  }
}

/**
 * The source's config to translate: the one named with `--config`, else the first of the
 * `candidates` (file names in `source`, in order of preference); the others are noted as not
 * translated. Undefined when there is none.
 */
export function chooseSourceConfig(
  source: string,
  named: string | undefined,
  isCandidate: (name: string) => boolean,
  report: ReportBuilder,
  compare: (a: string, b: string) => number = (a, b) => a.localeCompare(b),
): SourceConfig | undefined {
  let chosen = named;
  if (chosen !== undefined) {
    if (!existsSync(join(source, chosen))) {
      throw new AsiEvolveError('USAGE', `--config ${chosen}: no such file in ${source}`, {
        file: join(source, chosen),
      });
    }
  } else {
    const candidates = readdirSync(source).filter(isCandidate).sort(compare);
    chosen = candidates[0];
    for (const other of candidates.slice(1)) {
      report.left(other, `not translated (${chosen} was); copied as is; import again with --config ${other} to use it`);
    }
  }
  return chosen === undefined ? undefined : new SourceConfig(readConfigFile(join(source, chosen)).values, chosen);
}
