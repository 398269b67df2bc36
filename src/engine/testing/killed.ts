// Test helper: file operations of a process killed partway, for the stores' crash-recovery tests.
import { type FileOps, realFileOps } from '../store/atomic.ts';

/** File operations that fail at their `n`th call and every later one, as a process killed there would. */
export function killedAt(n: number): FileOps {
  let calls = 0;
  const gate = () => {
    if (++calls >= n) throw new Error('killed');
  };
  return {
    writeFile: async (p, d) => (gate(), realFileOps.writeFile(p, d)),
    appendFile: async (p, d) => (gate(), realFileOps.appendFile(p, d)),
    rename: async (a, b) => (gate(), realFileOps.rename(a, b)),
    mkdir: async (p, o) => (gate(), realFileOps.mkdir(p, o)),
    rm: async (p, o) => (gate(), realFileOps.rm(p, o)),
  };
}
