// `npm run faults [-- --kills N --seed S --keep]`: fault injection over the run store, local only and bounded.
// Tiny training runs of the real command line are killed with SIGKILL at random moments (during batches and
// saves), trained onto a full disk, opened from a read-only home, and have their files corrupted; after each
// the store is opened again, recovered and checked, and every run that can go on is resumed to its end.
// It prints what it tried, what came back, and what was lost (runs, checkpoints, epochs whose metrics line is gone).
// A corrupted run.json or checkpoint falls back to the checkpoint before (or run.json's copy in it): one epoch lost;
// both checkpoints damaged fall back to the newest whole epoch's copy of the model.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dispatch } from '../src/engine/dispatch.ts';
import { newRunId, type RunListEntry, RunStore } from '../src/engine/store/runs.ts';
import { Studio } from '../src/engine/studio.ts';
import { startTraining } from '../src/engine/training/trainer.ts';
import { defaultSpec } from '../src/shared/spec.ts';
import { isResumable } from '../src/shared/types.ts';

const { values } = parseArgs({ options: { kills: { type: 'string' }, seed: { type: 'string' }, keep: { type: 'boolean' } } });
const KILLS = Math.min(Number(values.kills ?? 6), 20);
const SEED = Number(values.seed ?? Date.now() % 1_000_000);
// Past this, remaining kill rounds are skipped so that the whole script stays near three minutes.
const KILL_BUDGET_MS = 90_000;

const CLI = fileURLToPath(new URL('../src/cli/index.ts', import.meta.url));
const SPEC = {
  conv: [{ filters: 4, kernelSize: 5, padding: 'same', pool: 'max', poolSize: 2, poolStride: 2 }],
  dense: [32],
  epochs: 3,
  batchSize: 100,
} as const;
const LIMITS = ['--train-limit', '1000', '--test-limit', '200'];

/** mulberry32: the same seed kills at the same moments. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(SEED);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Row {
  fault: string;
  tried: number;
  /** Usable again with nothing lost: resumed to the end, done, or (killed before any save) cleanly discardable. */
  recovered: number;
  /** Neither readable nor loadable any more: listed with the reason and deletable, but lost. */
  lost: number;
  checkpointsLost: number;
  metricsLost: number;
}
const rows: Row[] = [];
const row = (fault: string): Row => {
  const r = { fault, tried: 0, recovered: 0, lost: 0, checkpointsLost: 0, metricsLost: 0 };
  rows.push(r);
  return r;
};

const work = mkdtempSync(join(tmpdir(), 'digit-studio-faults-'));
const specFile = join(work, 'spec.json');
writeFileSync(specFile, JSON.stringify(SPEC));
const mounts: string[] = [];

/** The command line's `train` in its own process (no tsx wrapper process: a kill reaches the trainer itself). */
function train(out: string, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'train', '--spec', specFile, ...LIMITS, '--out', out, '--json'], { env });
  const epochs: { epoch: number; seconds: number }[] = [];
  const waiting: (() => void)[] = [];
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter((l) => l.startsWith('{'))) {
      const event = JSON.parse(line);
      if (event.event === 'epoch') epochs.push(event);
      waiting.splice(0).forEach((wake) => wake());
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => (waiting.splice(0).forEach((wake) => wake()), resolve(code))));
  let exited = false;
  void exit.then(() => (exited = true));
  /** Resolves once `n` epochs were reported (each is printed after its checkpoint and metrics line are saved), or on exit. */
  const reported = async (n: number) => {
    while (epochs.length < n && !exited) await new Promise<void>((wake) => waiting.push(wake));
  };
  return { child, epochs, exit, reported, exited: () => exited, stderr: () => stderr };
}

/** Open the store again, recover, and count what each run kept; runs that can go on are resumed to their end. */
async function check(root: string, reported: number, r: Row, resume = true): Promise<RunListEntry[]> {
  const store = new RunStore(root);
  await store.recover();
  const runs = await store.list();
  r.tried++;
  if (runs.length === 0) {
    // Killed before the run existed: nothing had been saved, so nothing is lost.
    if (reported === 0) r.recovered++;
    r.checkpointsLost += reported;
    return runs;
  }
  for (const run of runs) {
    if (run.status === 'unreadable') {
      console.log(`    unreadable: ${run.error.replace(work, '…')}`);
      r.checkpointsLost += Math.max(reported, 1);
      r.lost++;
      continue;
    }
    r.checkpointsLost += Math.max(0, reported - run.epochsDone);
    const saved = new Set((await store.readMetrics(run.id)).flatMap((m) => (m.event === 'epoch' ? [m.epoch] : [])));
    for (let epoch = 1; epoch <= run.epochsDone; epoch++) if (!saved.has(epoch)) r.metricsLost++;
    if (run.status === 'done') {
      const loads = await store.loadModel(run.id).then(
        () => true,
        (err: Error) => (console.log(`    model does not load: ${err.message.replace(work, '…')}`), false),
      );
      if (loads) r.recovered++;
      else r.lost++;
    } else if (resume && isResumable(run)) {
      const job = { spec: run.spec, trainLimit: run.trainLimit, testLimit: run.testLimit, dataDir: run.dataDir, runsRoot: root, resumeId: run.id };
      const end = await startTraining(job, () => undefined).done.catch((err: Error) => (console.log(`    resume failed: ${err.message}`), null));
      if (end?.status === 'done' && end.epochsDone === run.spec.epochs) r.recovered++;
    } else if (run.status === 'failed' && !run.checkpoint) {
      await store.remove(run.id);
      r.recovered++;
    }
  }
  return runs;
}

async function kills(): Promise<void> {
  const r = row('kill -9 during training and saves');
  const began = Date.now();
  for (let i = 1; i <= KILLS && Date.now() - began < KILL_BUDGET_MS; i++) {
    const out = join(work, `kill-${i}`);
    const t = train(out);
    // Kill in epoch k+1: before the first save (k = 0), or a random moment of a later epoch, its save included.
    const k = Math.floor(random() * SPEC.epochs);
    if (k === 0) {
      // Once the run's folder exists (the process has started up and made it), a moment of its first epoch.
      while (!t.exited() && !(existsSync(out) && readdirSync(out).some((name) => !name.startsWith('.')))) await sleep(50);
      await Promise.race([sleep(random() * 3000), t.exit]);
    } else {
      await t.reported(k);
      await Promise.race([sleep(random() * 1050 * (t.epochs.at(-1)?.seconds ?? 1)), t.exit]);
    }
    const when = `${t.epochs.length} epoch(s) reported${t.epochs.length === SPEC.epochs ? ' (the kill came after the end)' : ''}`;
    t.child.kill('SIGKILL');
    await t.exit;
    const [run] = await check(out, t.epochs.length, r);
    console.log(
      `  kill ${i}: ${when}; found ${run ? `${run.status}${'epochsDone' in run ? `, ${run.epochsDone} epoch(s) saved` : ''}` : 'no run (killed before it was made)'}`,
    );
  }
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

/** Mount a small tmpfs (as root); false where that is not allowed. */
function mountTmpfs(dir: string, bytes: number, readOnly = false): boolean {
  if (process.getuid?.() !== 0) return false;
  mkdirSync(dir, { recursive: true });
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}${readOnly ? ',ro' : ''}`, 'tmpfs', dir]).status === 0;
  if (ok) mounts.push(dir);
  return ok;
}

async function fullDisk(checkpointBytes: number): Promise<void> {
  const disk = join(work, 'full');
  // Room for one checkpoint (with its epoch's weights) and its record, not for the second checkpoint beside it.
  const size = Math.ceil((checkpointBytes * 1.5) / 4096) * 4096;
  const mounted = mountTmpfs(disk, size);
  const env = mounted ? process.env : { ...process.env, DIGIT_STUDIO_INJECT_ENOSPC: 'ckpt-0002' };
  const r = row(mounted ? `full disk (tmpfs of ${Math.round(size / 1024)} KiB)` : 'full disk (ENOSPC injected on the 2nd save)');
  const t = train(join(disk, 'runs'), env);
  const code = await t.exit;
  console.log(`  exit ${code}: ${t.stderr().trim().split('\n').at(-1)}`);
  const [run] = await new RunStore(join(disk, 'runs')).list();
  console.log(`  found ${run?.status}${run && 'error' in run && run.error ? `: ${run.error.replace(work, '…')}` : ''}`);
  // Space freed (the runs copied to a roomy disk): the failed run resumes from its last checkpoint.
  const freed = join(work, 'freed');
  cpSync(join(disk, 'runs'), freed, { recursive: true });
  const [end] = await check(freed, t.epochs.length, r);
  console.log(`  after freeing space: ${end && 'epochsDone' in end ? `resumed from epoch ${end.epochsDone}` : 'nothing to resume'}`);
}

async function readOnlyHome(source: string): Promise<void> {
  const home = join(work, 'ro-home');
  const mounted = mountTmpfs(home, 64 * 1024 * 1024);
  const r = row(mounted ? 'read-only home (ro tmpfs)' : 'read-only home (chmod a-w)');
  cpSync(source, join(home, 'runs', source.split('/').at(-1)!), { recursive: true });
  writeFileSync(join(home, 'settings.json'), '{"activeModel":"bundled"}');
  if (mounted) spawnSync('mount', ['-o', 'remount,ro', home]);
  else spawnSync('chmod', ['-R', 'a-w', home]);
  r.tried++;
  const studio = await Studio.open({ userDir: home, transport: 'websocket', version: 'faults' });
  try {
    const list = await dispatch(studio, 'runs:list', undefined);
    const id = source.split('/').at(-1)!;
    const activate = await dispatch(studio, 'runs:activate', { id });
    const info = await dispatch(studio, 'app:info', undefined);
    const start = await dispatch(studio, 'training:start', { spec: { ...defaultSpec(), ...SPEC }, trainLimit: 100, testLimit: 50 });
    const unsaved = activate.ok ? (activate.value as { unsaved?: string }).unsaved : undefined;
    console.log(`  runs:list ${list.ok ? 'ok' : list.error}; runs:activate: ${activate.ok ? `ok${unsaved ? ` (${unsaved})` : ''}` : activate.error}`);
    console.log(`  training:start: ${start.ok ? 'ok' : start.error}`);
    // The run is used for this session; the choice, which cannot be saved, says so.
    const switched = info.ok && (info.value as { activeModel: { id: string } }).activeModel.id === id && /read-only/.test(unsaved ?? '');
    const entries = list.ok ? (list.value as RunListEntry[]) : [];
    const readOnly = (reply: { ok: boolean; error?: string }) => !reply.ok && /read-only/.test(reply.error ?? '');
    if (entries.length === 1 && entries[0].status === 'done' && switched && readOnly(start)) r.recovered++;
  } finally {
    await studio.close();
    if (!mounted) spawnSync('chmod', ['-R', 'u+w', home]);
  }
}

/** The checkpoints run.json names: the current one and the one before. */
function checkpoints(dir: string): string[] {
  const record = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { checkpoint: string; previousCheckpoint?: string };
  return [record.checkpoint, record.previousCheckpoint].filter((name): name is string => !!name);
}

async function corruptFiles(source: string): Promise<void> {
  const r = row('corrupt files');
  const epochs = JSON.parse(readFileSync(join(source, 'run.json'), 'utf8')).epochsDone as number;
  const checkpoint = JSON.parse(readFileSync(join(source, 'run.json'), 'utf8')).checkpoint as string;
  const damage: [string, (dir: string) => void][] = [
    ['run.json cut in half', (dir) => truncateSync(join(dir, 'run.json'), statSync(join(dir, 'run.json')).size >> 1)],
    [
      'run.json replaced by garbage',
      (dir) => writeFileSync(join(dir, 'run.json'), Buffer.from(Array.from({ length: 300 }, () => (random() * 256) | 0))),
    ],
    [
      'metrics.jsonl with garbage lines and a torn last line',
      (dir) => {
        const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trimEnd().split('\n');
        const last = lines.pop()!;
        const garbled = lines.flatMap((line, i) => (i % 5 === 2 ? [line, '{"event":"batch","loss":', '\u0000\u0001garbage'] : [line]));
        writeFileSync(join(dir, 'metrics.jsonl'), `${garbled.join('\n')}\n${last.slice(0, last.length >> 1)}`);
      },
    ],
    ['weights.bin of the current checkpoint cut short', (dir) => truncateSync(join(dir, checkpoint, 'weights.bin'), 1000)],
    [
      "run.json garbage and the current checkpoint's weights.bin cut short",
      (dir) => {
        writeFileSync(join(dir, 'run.json'), 'garbage');
        truncateSync(join(dir, checkpoint, 'weights.bin'), 1000);
      },
    ],
    [
      "both checkpoints' weights.bin cut short (the newest epoch's copy answers)",
      (dir) => {
        for (const name of checkpoints(dir)) truncateSync(join(dir, name, 'weights.bin'), 1000);
      },
    ],
    [
      "both checkpoints' weights.bin zero-filled, as a power loss leaves them, and the last epoch's copy gone (resumed from the one before)",
      (dir) => {
        for (const name of checkpoints(dir))
          writeFileSync(join(dir, name, 'weights.bin'), Buffer.alloc(statSync(join(dir, name, 'weights.bin')).size));
        rmSync(join(dir, `epoch-${String(epochs).padStart(4, '0')}`), { recursive: true });
      },
    ],
  ];
  for (const [i, [what, harm]] of damage.entries()) {
    const root = join(work, `corrupt-${i + 1}`);
    const dir = join(root, newRunId());
    cpSync(source, dir, { recursive: true });
    harm(dir);
    // check() recovers the store, counts what was lost and resumes a run that fell back to its end.
    const [run] = await check(root, epochs, r);
    const found = run.status === 'unreadable' ? 'unreadable' : `${run.status}, ${run.epochsDone} epoch(s) saved`;
    console.log(`  ${what}: found ${found}`);
  }
}

async function main(): Promise<void> {
  const began = Date.now();
  console.log(`fault injection in ${work} (seed ${SEED})`);
  try {
    await kills();
    // A finished run to copy: any the kill rounds resumed to the end.
    const done = readdirSync(work)
      .filter((name) => name.startsWith('kill-'))
      .flatMap((name) => {
        const root = join(work, name);
        return readdirSync(root)
          .map((id) => join(root, id))
          .filter((dir) => readFileSync(join(dir, 'run.json'), 'utf8').includes('"status": "done"'));
      });
    if (done.length === 0) throw new Error('no kill round produced a finished run to copy');
    const ckpt = JSON.parse(readFileSync(join(done[0], 'run.json'), 'utf8')).checkpoint as string;
    await fullDisk(dirBytes(join(done[0], ckpt)) + dirBytes(join(done[0], 'epoch-0001')));
    await readOnlyHome(done[0]);
    await corruptFiles(done[0]);
  } finally {
    for (const dir of mounts.reverse()) spawnSync('umount', [dir]);
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  }
  const total = (key: keyof Omit<Row, 'fault'>) => rows.reduce((n, r) => n + r[key], 0);
  console.log('');
  console.log('| fault | runs tried | recovered | lost | checkpoints lost | epochs missing metrics |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.fault} | ${r.tried} | ${r.recovered} | ${r.lost} | ${r.checkpointsLost} | ${r.metricsLost} |`);
  console.log('');
  console.log(
    `runs tried ${total('tried')}, runs recovered ${total('recovered')}, runs lost ${total('lost')}; ` +
      `data lost: ${total('checkpointsLost')} checkpoint(s), ${total('metricsLost')} epoch(s) whose metrics are missing ` +
      `(${((Date.now() - began) / 1000).toFixed(0)} s, seed ${SEED})`,
  );
}

await main();
