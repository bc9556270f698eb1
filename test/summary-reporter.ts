import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { MissingComponent } from '../src/test-support/requires.js';

/** Why a skipped test was skipped: the optional part its suite or itself recorded (test-support/requires.ts). */
function missingComponentOf(test: TestCase): MissingComponent | undefined {
  let task: TestCase | TestCase['parent'] = test;
  for (;;) {
    const recorded = task.meta().missingComponent;
    if (recorded !== undefined) return recorded;
    if (task.type === 'module') return undefined;
    task = task.parent;
  }
}

/**
 * After vitest's own summary: one line per optional system part that was missing (the tests it
 * would have unlocked, and how to install it), then one plain closing line, "Tests: N passed,
 * N failed, N skipped", so that CI logs state the outcome in a form any reader can parse.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const byReason = new Map<string, { component: string; tests: number; files: Set<string> }>();
    const unexplained = new Set<string>();
    for (const module of testModules) {
      const file = relative(process.cwd(), module.moduleId);
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else {
          skipped++;
          const missing = missingComponentOf(test);
          if (missing === undefined) {
            unexplained.add(file);
            continue;
          }
          const entry = byReason.get(missing.reason) ?? {
            component: missing.component,
            tests: 0,
            files: new Set<string>(),
          };
          entry.tests++;
          entry.files.add(file);
          byReason.set(missing.reason, entry);
        }
      }
      if (module.state() === 'failed' && module.children.size === 0) failed++;
    }
    const lines: string[] = [];
    if (byReason.size > 0) {
      lines.push(
        '',
        'Skipped: optional system parts are missing (README, "Tests"; ASI_EVOLVE_REQUIRE_ALL=1 fails the run instead):',
      );
      for (const [reason, entry] of [...byReason].sort((a, b) => a[1].component.localeCompare(b[1].component))) {
        lines.push(`  ${entry.component}: ${entry.tests} test${entry.tests === 1 ? '' : 's'} skipped, ${reason}`);
        lines.push(`    in ${[...entry.files].sort().join(', ')}`);
      }
    }
    if (unexplained.size > 0)
      lines.push('', `Skipped without a recorded reason, in: ${[...unexplained].sort().join(', ')}`);
    lines.push('', `Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
