import { projectFileStamps } from '../config/index.js';

/** Where a run keeps the project's file stamps (`meta`), to compare at the next start. */
const projectStampsMetaKey = 'project_file_stamps';
/** The most changed paths a notice names. */
const namedAtMost = 8;

/** The store operations the check needs (the SQLite store satisfies this). */
export interface ProjectDriftStore {
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
}

/**
 * Says what changed in a multi-file experiment's project folder since the last run started
 * (docs/architecture.md, “Multi-file candidates”), or null when nothing did or no run started
 * before; records the project as it is now for the next run. Every evaluation copies the
 * project, so a file changed between runs changes what later candidates are scored against.
 */
export function projectDriftNotice(store: ProjectDriftStore, projectDir: string): string | null {
  const now = projectFileStamps(projectDir);
  const stored = store.getMeta(projectStampsMetaKey);
  store.setMeta(projectStampsMetaKey, JSON.stringify(now));
  if (stored === undefined) return null;
  let before: Record<string, string>;
  try {
    before = JSON.parse(stored) as Record<string, string>;
  } catch {
    return null;
  }
  const changes: string[] = [];
  for (const [path, stamp] of Object.entries(now)) {
    if (before[path] === undefined) changes.push(`${path} added`);
    else if (before[path] !== stamp) changes.push(`${path} changed`);
  }
  for (const path of Object.keys(before)) if (now[path] === undefined) changes.push(`${path} removed`);
  if (changes.length === 0) return null;
  const named = changes.slice(0, namedAtMost).join(', ');
  const more = changes.length > namedAtMost ? ` and ${changes.length - namedAtMost} more` : '';
  return (
    `The project folder ${projectDir} changed since the last run (${named}${more}): evaluations from now on ` +
    'copy it as it is, so scores before and after may not compare; stored candidates keep their own editable files.'
  );
}
