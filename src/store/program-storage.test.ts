import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatFileSet, parseFileSet } from '../domain/index.js';
import { createRandom, type Random } from '../random.js';
import { thrownAsiError } from '../test-support/asi-error.js';
import { maxDeltaDepth } from './stored-programs.js';
import { createTempStore, makeNode, type TempStore } from './test-support/fixtures.js';

let temp: TempStore;
let projectDir: string;

beforeEach(() => {
  temp = createTempStore();
  projectDir = mkdtempSync(join(tmpdir(), 'asi-evolve-project-'));
});
afterEach(() => {
  temp.cleanup();
  rmSync(projectDir, { recursive: true, force: true });
});

/** A line of Python-looking text that differs with `seed`. */
const codeLine = (random: Random, index: number): string =>
  `    value_${index} = compute(${random.int(1_000_000)}, scale=${random.next().toFixed(6)})  # step ${index}`;

/** Writes a project of `fileCount` files of about `fileSize` characters each; returns their paths. */
function writeProject(random: Random, fileCount: number, fileSize: number): string[] {
  const paths: string[] = [];
  for (let index = 0; index < fileCount; index++) {
    const path = `pkg${index % 20}/module_${index}.py`;
    const lines = [`"""module ${index}"""`, `def run_${index}():`];
    let length = lines.join('\n').length;
    while (length < fileSize) {
      const line = codeLine(random, lines.length);
      lines.push(line);
      length += line.length + 1;
    }
    mkdirSync(join(projectDir, dirname(path)), { recursive: true });
    writeFileSync(join(projectDir, path), `${lines.join('\n')}\n`);
    paths.push(path);
  }
  return paths;
}

/** A few lines of one or two files changed; now and then a new file. */
function smallEdit(random: Random, program: string, round: number): string {
  const files = parseFileSet(program);
  if (files === null) throw new Error('expected a bundle');
  const paths = [...files.keys()];
  for (let edit = 0; edit < 1 + random.int(2); edit++) {
    const path = paths[random.int(paths.length)] as string;
    const lines = (files.get(path) as string).split('\n');
    const at = 2 + random.int(lines.length - 3);
    lines[at] = codeLine(random, at);
    if (random.next() < 0.3) lines.splice(at, 0, `    # round ${round}: try a wider layer`);
    files.set(path, lines.join('\n'));
  }
  if (round % 25 === 0) files.set(`pkg0/added_${round}.py`, `def added_${round}():\n    return ${round}\n`);
  return formatFileSet(files);
}

function rawDb(path: string): BetterSqlite3.Database {
  return new BetterSqlite3(path);
}

describe('multi-file programs in the store', () => {
  it('stores 100 rounds of small edits to a 1,000-file, 10 MB project in under 2 MB, and rebuilds every program exactly', () => {
    const random = createRandom('storage');
    const paths = writeProject(random, 1000, 10_000);
    const projectBytes = paths.reduce((sum, path) => sum + statSync(join(projectDir, path)).size, 0);
    expect(projectBytes).toBeGreaterThan(10_000_000);
    const editable = [paths[3], paths[141], paths[592], paths[877]] as string[];
    const seed = formatFileSet(new Map(editable.map((path) => [path, readFileSync(join(projectDir, path), 'utf8')])));

    const store = temp.open();
    const expected = new Map<number, string>();
    expected.set(store.insertNode(makeNode({ step: 0, program: seed, parentIds: [] })).id, seed);
    for (let round = 1; round <= 100; round++) {
      // Mostly the latest node (a long lineage), sometimes an older one (a branch).
      const ids = [...expected.keys()];
      const parentId = random.next() < 0.7 ? (ids[ids.length - 1] as number) : (ids[random.int(ids.length)] as number);
      const program = smallEdit(random, expected.get(parentId) as string, round);
      const node = store.insertNode(makeNode({ step: round, program, parentIds: [parentId] }));
      expect(node.program).toBe(program);
      expected.set(node.id, program);
    }
    store.close();

    const databaseBytes =
      statSync(temp.path).size + (existsSync(`${temp.path}-wal`) ? statSync(`${temp.path}-wal`).size : 0);
    const wholeBytes = [...expected.values()].reduce((sum, program) => sum + program.length, 0);
    console.log(
      `storage: ${expected.size} nodes of a ${(projectBytes / 1e6).toFixed(1)} MB, ${paths.length}-file project ` +
        `(${editable.length} editable files, ${(seed.length / 1e3).toFixed(1)} kB): database ${(databaseBytes / 1e6).toFixed(3)} MB ` +
        `(whole programs would be ${(wholeBytes / 1e6).toFixed(2)} MB)`,
    );
    expect(wholeBytes).toBeGreaterThan(2_000_000);
    expect(databaseBytes).toBeLessThan(2_000_000);

    const reader = temp.open({ readonly: true });
    for (const [id, program] of expected) expect(reader.requireNode(id).program).toBe(program);
    const listed = reader.listNodes();
    expect(listed.map((node) => node.program)).toEqual([...expected.values()]);
    const lastId = Math.max(...expected.keys());
    for (const node of reader.lineage(lastId)) expect(node.program).toBe(expected.get(node.id));
    expect(reader.nodeSummaries().map((summary) => summary.programLength)).toEqual(
      [...expected.values()].map((program) => program.length),
    );
    expect(reader.sampleableNodes().map((node) => node.programLength)).toEqual(
      [...expected.values()].map((program) => program.length),
    );

    const db = rawDb(temp.path);
    const depths = db
      .prepare('SELECT count(*) AS deltas, max(program_depth) AS deepest FROM nodes WHERE program_base IS NOT NULL')
      .get() as {
      deltas: number;
      deepest: number;
    };
    db.close();
    expect(depths.deltas).toBeGreaterThan(90);
    expect(depths.deepest).toBeLessThanOrEqual(maxDeltaDepth);
  });

  it('stores a whole program again every maxDeltaDepth generations, so a read walks a bounded chain', () => {
    const store = temp.open();
    let program = formatFileSet(
      new Map([
        ['a.py', 'x = 0\n'.repeat(200)],
        ['b.py', 'y = 0\n'.repeat(200)],
      ]),
    );
    store.insertNode(makeNode({ step: 0, program, parentIds: [] }));
    const rounds = maxDeltaDepth * 2 + 5;
    for (let round = 1; round <= rounds; round++) {
      program = program.replace('x = 0\n', `x = ${round}\n`);
      store.insertNode(makeNode({ step: round, program, parentIds: [round - 1] }));
    }
    const db = rawDb(temp.path);
    const rows = db.prepare('SELECT id, program_base, program_depth FROM nodes ORDER BY id').all() as Array<{
      id: number;
      program_base: number | null;
      program_depth: number;
    }>;
    db.close();
    expect(rows.filter((row) => row.program_base === null).map((row) => row.id)).toEqual([
      0,
      maxDeltaDepth + 1,
      2 * maxDeltaDepth + 2,
    ]);
    expect(Math.max(...rows.map((row) => row.program_depth))).toBe(maxDeltaDepth);
    expect(store.requireNode(rounds).program).toBe(program);
  });

  it('stores single-file programs whole, exactly as given', () => {
    const store = temp.open();
    store.insertNode(makeNode({ step: 0, program: 'def solve():\n    return 1\n', parentIds: [] }));
    store.insertNode(makeNode({ step: 1, program: 'def solve():\n    return 2\n', parentIds: [0] }));
    const db = rawDb(temp.path);
    const rows = db.prepare('SELECT program, program_base FROM nodes ORDER BY id').all();
    db.close();
    expect(rows).toEqual([
      { program: 'def solve():\n    return 1\n', program_base: null },
      { program: 'def solve():\n    return 2\n', program_base: null },
    ]);
  });

  it('stores a node without parents against the seed, and a file deleted or created by a node', () => {
    const store = temp.open();
    const seed = formatFileSet(
      new Map([
        ['a.py', 'a\n'.repeat(300)],
        ['b.py', 'b\n'.repeat(300)],
      ]),
    );
    const orphan = formatFileSet(
      new Map([
        ['a.py', `${'a\n'.repeat(299)}z\n`],
        ['c.py', 'new\n'],
      ]),
    );
    store.insertNode(makeNode({ step: 0, program: seed, parentIds: [] }));
    store.insertNode(makeNode({ step: 1, program: orphan, parentIds: [] }));
    const db = rawDb(temp.path);
    const row = db.prepare('SELECT program_base, length(program) AS stored FROM nodes WHERE id = 1').get();
    db.close();
    expect(row).toEqual({ program_base: 0, stored: expect.any(Number) });
    expect((row as { stored: number }).stored).toBeLessThan(orphan.length);
    expect(store.requireNode(1).program).toBe(orphan);
  });

  it("writes a delta in the node's transaction: a failed insert leaves nothing behind", () => {
    const store = temp.open();
    const seed = formatFileSet(new Map([['m.py', 'k = 0\n'.repeat(300)]]));
    const changed = seed.replace('k = 0\n', 'k = 1\n');
    store.insertNode(makeNode({ step: 0, program: seed, parentIds: [] }));
    const unserialisable = { big: 10n } as unknown as Record<string, never>;
    expect(() =>
      store.insertNode(makeNode({ step: 1, program: changed, parentIds: [0] }), {
        samplerState: { name: 'ucb1', state: unserialisable },
      }),
    ).toThrow();
    const db = rawDb(temp.path);
    expect(db.prepare('SELECT count(*) AS n FROM nodes').get()).toEqual({ n: 1 });
    db.close();
    expect(store.insertNode(makeNode({ step: 1, program: changed, parentIds: [0] })).program).toBe(changed);
  });

  it('keeps descendants readable when the node they are stored against is evicted', () => {
    const store = temp.open();
    let program = formatFileSet(new Map([['m.py', 'w = 0\n'.repeat(400)]]));
    const programs = [program];
    store.insertNode(makeNode({ step: 0, program, parentIds: [] }));
    for (let round = 1; round <= 4; round++) {
      program = program.replace('w = 0\n', `w = ${round}\n`);
      programs.push(program);
      store.insertNode(makeNode({ step: round, program, parentIds: [round - 1] }));
    }
    expect(store.deleteNodes([2, 3])).toBe(2);
    expect(store.requireNode(4).program).toBe(programs[4]);
    expect(store.requireNode(1).program).toBe(programs[1]);
    expect(store.lineage(4).map((node) => node.id)).toEqual([4]);
  });

  it('names the node when a stored patch chain is damaged, and summaries still read', () => {
    const store = temp.open();
    let program = formatFileSet(
      new Map([
        ['m.py', 'v = 0\n'.repeat(400)],
        ['n.py', 'u = 0\n'.repeat(400)],
      ]),
    );
    store.insertNode(makeNode({ step: 0, program, parentIds: [] }));
    for (let round = 1; round <= 5; round++) {
      program = program.replace('v = 0\n', `v = ${round}\n`);
      store.insertNode(makeNode({ step: round, program, parentIds: [round - 1] }));
    }
    store.close();
    const db = rawDb(temp.path);
    const setProgram = db.prepare('UPDATE nodes SET program = ? WHERE id = ?');
    const delta = (db.prepare('SELECT program FROM nodes WHERE id = 2').get() as { program: string }).program;
    expect(delta).toContain('+v = 2');
    setProgram.run(delta.replace('+v = 2', '+v = 77'), 2);
    const reader = temp.open({ readonly: true });
    expect(reader.requireNode(1).program).toContain('v = 1\n');
    const damaged = thrownAsiError(() => reader.requireNode(3));
    expect(damaged.code).toBe('STORE_CORRUPT');
    expect(damaged.message).toContain(
      "node 3's program cannot be rebuilt (stored as changes through node 2): node 2 rebuilds to",
    );
    expect(reader.nodeSummaries()).toHaveLength(6);

    setProgram.run(delta, 2);
    setProgram.run(
      '{"v":1,"files":{"m.py":{"hunks":[{"oldStart":1,"oldLines":1,"newStart":1,"newLines":1,"lines":["-nothing like it","+x"]}]}}}',
      4,
    );
    expect(reader.requireNode(3).program).toContain('v = 3\n');
    expect(thrownAsiError(() => reader.requireNode(4)).message).toContain(
      "node 4's program cannot be rebuilt: node 4 has a delta that does not apply: its patch of m.py does not apply to its base",
    );
    setProgram.run('not json', 4);
    expect(thrownAsiError(() => reader.requireNode(5)).message).toContain(
      "node 5's program cannot be rebuilt (stored as changes through node 4): node 4 has a delta that does not apply: its stored delta is not valid JSON",
    );
    db.close();

    const raw = rawDb(temp.path);
    raw.prepare('DELETE FROM nodes WHERE id = 0').run();
    raw.close();
    const missing = thrownAsiError(() => reader.requireNode(1));
    expect(missing.message).toContain(
      "node 1's program cannot be rebuilt: node 1 is stored as changes to node 0, which is missing",
    );
  });
});
