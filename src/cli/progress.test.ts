import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Activity, LoopEvent } from '../loop/index.js';
import { nodeRecord, type NodeRecord } from '../store/index.js';
import { createProgressPrinter } from './progress.js';

function stored(id: number, score: number | null, name = `design-${id}`): NodeRecord {
  return nodeRecord({
    id,
    name,
    score,
    evalScore: score,
    success: score !== null,
    error: score === null ? 'timeout: ran past 30 s' : null,
    operator: 'llm',
  });
}

const seed = stored(0, 1);
const events: LoopEvent[] = [
  { type: 'run-start', completed: 0, beyondTarget: 0, target: 3, workers: 1, designer: 'llm', resumed: false },
  { type: 'seed-evaluated', node: seed },
  { type: 'round-start', step: 1 },
  {
    type: 'round-end',
    step: 1,
    node: stored(1, 2),
    best: stored(1, 2),
    isNewBest: true,
    completed: 1,
    target: 3,
    succeeded: 1,
    elapsedMs: 10_000,
    spendUsd: 0.5,
  },
  { type: 'round-start', step: 2 },
  {
    type: 'round-end',
    step: 2,
    node: stored(2, null),
    best: stored(1, 2),
    isNewBest: false,
    completed: 2,
    target: 3,
    succeeded: 1,
    elapsedMs: 20_000,
    spendUsd: 1,
  },
  { type: 'notice', message: 'Budget at 80 %.' },
  { type: 'round-start', step: 3 },
  {
    type: 'round-end',
    step: 3,
    node: stored(3, 1.5),
    best: stored(1, 2),
    isNewBest: false,
    completed: 3,
    target: 3,
    succeeded: 2,
    elapsedMs: 30_000,
    spendUsd: 1.5,
  },
  { type: 'run-end', reason: 'done', completed: 3, target: 3, best: stored(1, 2) },
];

function print(tty: boolean, columns = 200): string {
  let output = '';
  const printer = createProgressPrinter((text) => (output += text), { tty, columns: () => columns });
  for (const event of events) printer(event);
  return output;
}

/** What a terminal shows after the output: \r returns to the line start, ESC[2K erases the line. */
function screen(output: string): string[] {
  const lines: string[] = [''];
  // eslint-disable-next-line no-control-regex -- the terminal control sequence is what is parsed
  for (const piece of output.split(/(\r\u001b\[2K|\n)/)) {
    if (piece === '\n') lines.push('');
    else if (piece === '\r\u001b[2K') lines[lines.length - 1] = '';
    else lines[lines.length - 1] += piece;
  }
  return lines;
}

describe('createProgressPrinter without a terminal', () => {
  it('prints one plain line per round with score, best, success rate, spend, elapsed and ETA', () => {
    const output = print(false);
    expect(output).not.toContain('\r');
    expect(output).not.toContain('\u001b');
    expect(output.split('\n')).toEqual([
      'Starting: 3 rounds, 1 at a time.',
      '[seed] score 1.000000',
      '[round 1 | 1/3] score 2.000000 *new best* | best 2.000000 (node 1) | 1/1 ok | $0.50 | 10s elapsed, ETA 20s',
      '[round 2 | 2/3] failed (timeout: ran past 30 s) | best 2.000000 (node 1) | 1/2 ok | $1.00 | 20s elapsed, ETA 10s',
      'Budget at 80 %.',
      '[round 3 | 3/3] score 1.500000 | best 2.000000 (node 1) | 2/3 ok | $1.50 | 30s elapsed, ETA 0s',
      'Run done: 3/3 rounds, best 2.000000 (node 1).',
      '',
    ]);
  });
});

describe('createProgressPrinter on a terminal', () => {
  it('rewrites one status line in place and keeps lasting lines above it', () => {
    const output = print(true);
    expect(output).toContain('\r\u001b[2K');
    expect(screen(output)).toEqual([
      'Starting: 3 rounds, 1 at a time.',
      '[seed] score 1.000000',
      '[round 1] new best 2.000000 (node 1, "design-1")',
      'Budget at 80 %.',
      '[3/3] #3 1.500000 · best 2.000000 (#1) · 67% ok · $1.50 · 30s, ETA 0s',
      'Run done: 3/3 rounds, best 2.000000 (node 1).',
      '',
    ]);
  });

  it('shows the rounds in flight while they run', () => {
    let output = '';
    const printer = createProgressPrinter((text) => (output += text), { tty: true, columns: () => 200 });
    for (const event of events.slice(0, 5)) printer(event);
    expect(screen(output).at(-1)).toBe(
      '[1/3] #1 2.000000 · best 2.000000 (#1) · 100% ok · $0.50 · 10s, ETA 20s · running #2',
    );
    printer(events[5]!);
    expect(screen(output).at(-1)).toBe('[2/3] #2 failed: timeout · best 2.000000 (#1) · 50% ok · $1.00 · 20s, ETA 10s');
  });

  it('cuts the status line to the terminal width', () => {
    const lines = screen(print(true, 30));
    const status = lines.at(-3) ?? '';
    expect(status.length).toBe(29);
    expect(status.endsWith('…')).toBe(true);
  });
});

describe('createProgressPrinter when the store already holds rounds beyond the target', () => {
  /** Every "N/M" count printed, as [N, M]. */
  const counts = (output: string): Array<[number, number]> =>
    [...output.matchAll(/(\d+)\/(\d+)/g)].map((match) => [Number(match[1]), Number(match[2])]);

  it('says plainly that the target is reached and nothing runs (`--steps 3` with 5 stored)', () => {
    for (const tty of [false, true]) {
      let output = '';
      const printer = createProgressPrinter((text) => (output += text), { tty, columns: () => 200 });
      // The loop counts rounds up to the target in `completed`, the others in `beyondTarget`.
      printer({
        type: 'run-start',
        completed: 3,
        beyondTarget: 2,
        target: 3,
        workers: 1,
        designer: 'llm',
        resumed: true,
      });
      printer({ type: 'run-end', reason: 'done', completed: 3, target: 3, best: stored(4, 2) });
      expect(screen(output)).toEqual([
        '5 rounds stored, target 3: nothing to run (raise --steps to run more).',
        'Run done: 3/3 rounds, best 2.000000 (node 4).',
        '',
      ]);
    }
  });

  it('counts only rounds toward the target when one below it is redone beside stored rounds above it', () => {
    // Stored: steps 1, 2, 4 and 5 (step 3 was in flight when an earlier run with --steps 5 stopped); now --steps 3.
    for (const tty of [false, true]) {
      let output = '';
      const printer = createProgressPrinter((text) => (output += text), { tty, columns: () => 200 });
      printer({
        type: 'run-start',
        completed: 2,
        beyondTarget: 2,
        target: 3,
        workers: 1,
        designer: 'llm',
        resumed: true,
      });
      printer({ type: 'round-start', step: 3 });
      printer({
        type: 'round-end',
        step: 3,
        node: stored(3, 1),
        best: stored(4, 2),
        isNewBest: false,
        completed: 3,
        target: 3,
        succeeded: 3,
        elapsedMs: 10_000,
        spendUsd: 0.5,
      });
      printer({ type: 'run-end', reason: 'done', completed: 3, target: 3, best: stored(4, 2) });
      expect(output).toContain('Resuming: 2/3 rounds already stored (and 2 beyond the target); 1 to go, 1 at a time.');
      expect(output).toContain(tty ? '[3/3] #3 1.000000' : '[round 3 | 3/3] score 1.000000');
      expect(output).toContain('Run done: 3/3 rounds, best 2.000000 (node 4).');
      expect(output).not.toContain('nothing to run');
      for (const [count, target] of counts(output)) expect(count).toBeLessThanOrEqual(target);
    }
  });
});

describe('the heartbeat: a long evaluation or LLM call shows while it runs', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  const activity = (id: number, step: number, label: string): Activity => ({
    id,
    step,
    kind: label.includes('call') ? 'llm-call' : 'evaluation',
    label,
    startedAt: Date.now(),
  });

  it('on a terminal, redraws the status line each second with what each round waits on, once it has run 3 s', () => {
    let output = '';
    const printer = createProgressPrinter((text) => (output += text), { tty: true, columns: () => 200 });
    printer(events[0]!);
    printer({ type: 'round-start', step: 1 });
    const call = activity(1, 1, 'researcher call (gpt-5)');
    printer({ type: 'activity-start', activity: call });
    vi.advanceTimersByTime(2000);
    expect(screen(output).at(-1)).toBe('[starting] · running #1');
    vi.advanceTimersByTime(2000);
    expect(screen(output).at(-1)).toBe('[starting] · running #1 researcher call (gpt-5) 4s');
    printer({ type: 'activity-end', activity: call, durationMs: 4000, failed: false });
    const evaluation = activity(2, 1, 'evaluation');
    printer({ type: 'activity-start', activity: evaluation });
    vi.advanceTimersByTime(7000);
    expect(screen(output).at(-1)).toBe('[starting] · running #1 evaluation 7s');
    printer({ type: 'activity-end', activity: evaluation, durationMs: 7000, failed: false });
    printer(events[3]!);
    const before = output;
    vi.advanceTimersByTime(5000);
    // Nothing runs: no redraws.
    expect(output).toBe(before);
  });

  it("shows the seed's evaluation before any round has started", () => {
    let output = '';
    const printer = createProgressPrinter((text) => (output += text), { tty: true, columns: () => 200 });
    printer(events[0]!);
    printer({ type: 'activity-start', activity: activity(1, 0, 'evaluation') });
    vi.advanceTimersByTime(6000);
    expect(screen(output).at(-1)).toBe('[starting] · running seed evaluation 6s');
    printer({ type: 'activity-end', activity: activity(1, 0, 'evaluation'), durationMs: 6000, failed: false });
    printer(events[1]!);
    expect(screen(output)).toEqual(['Starting: 3 rounds, 1 at a time.', '[seed] score 1.000000', '']);
  });

  it('in a log, prints a [still running] line every 30 s while something has run 3 s or more', () => {
    let output = '';
    const printer = createProgressPrinter((text) => (output += text), { tty: false });
    printer(events[0]!);
    printer({ type: 'round-start', step: 1 });
    printer({ type: 'round-start', step: 2 });
    printer({ type: 'activity-start', activity: activity(1, 1, 'evaluation') });
    vi.advanceTimersByTime(29_000);
    printer({ type: 'activity-start', activity: activity(2, 2, 'analyzer call (m)') });
    vi.advanceTimersByTime(1000);
    // The analyzer call has run 1 s: not yet worth a line.
    expect(output.split('\n').filter((line) => line.startsWith('[still running]'))).toEqual([
      '[still running] #1 evaluation 30s',
    ]);
    vi.advanceTimersByTime(30_000);
    expect(output.split('\n').filter((line) => line.startsWith('[still running]'))).toEqual([
      '[still running] #1 evaluation 30s',
      '[still running] #1 evaluation 1m00s; #2 analyzer call (m) 31s',
    ]);
    expect(output).not.toContain('\r');
  });
});
