// A line at the end of every test run for each reason tests were skipped (`ctx.skip(condition, reason)`):
// a machine that cannot run some tests says so in the summary, instead of counting them among the passed.
import type { Reporter, TestModule } from 'vitest/node';

/** Prints "skipped N tests: <reason>" once per reason. */
export default class SkippedReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const reasons = new Map<string, number>();
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        const result = test.result();
        const note = result.state === 'skipped' ? (result.note ?? 'no reason given') : 'no reason given';
        reasons.set(note, (reasons.get(note) ?? 0) + 1);
      }
    }
    for (const [note, count] of reasons) console.log(`skipped ${count} test${count === 1 ? '' : 's'}: ${note}`);
  }
}
