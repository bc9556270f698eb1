import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { openStore, type Store } from '../store/index.js';

/** An experiment folder the dashboard shows. */
export interface DashboardExperiment {
  /** Shown on the pages; defaults to the folder's name. */
  name?: string;
  dir: string;
}

/**
 * One experiment's read-only view. The database is opened on first use, so the dashboard can
 * start before the run does; a file the writer is still creating is retried on the next use.
 */
export class ExperimentSource {
  readonly index: number;
  readonly name: string;
  /** Absolute folder. */
  readonly dir: string;
  #store: Store | undefined;

  constructor(index: number, name: string, dir: string) {
    this.index = index;
    this.name = name;
    this.dir = dir;
  }

  get databasePath(): string {
    return join(this.dir, 'asi-evolve.db');
  }

  /** The store, or undefined while no run has written one. */
  store(): Store | undefined {
    if (this.#store !== undefined) return this.#store;
    if (!existsSync(this.databasePath)) return undefined;
    try {
      this.#store = openStore(this.databasePath, { readonly: true, busyTimeoutMs: 2000 });
    } catch {
      // The writer may be creating or migrating the file right now.
      return undefined;
    }
    return this.#store;
  }

  close(): void {
    this.#store?.close();
    this.#store = undefined;
  }
}

/** Sources for the given folders, with unique names (a repeated folder name gets " (2)", " (3)"…). */
export function createExperimentSources(experiments: readonly DashboardExperiment[]): ExperimentSource[] {
  const seen = new Map<string, number>();
  return experiments.map((experiment, index) => {
    const dir = resolve(experiment.dir);
    const wanted = experiment.name ?? (basename(dir) || dir);
    const count = (seen.get(wanted) ?? 0) + 1;
    seen.set(wanted, count);
    return new ExperimentSource(index, count === 1 ? wanted : `${wanted} (${count})`, dir);
  });
}
