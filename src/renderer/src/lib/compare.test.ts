import { describe, expect, it } from 'vitest';
import type { EpochMetrics, RunRecord } from '../../../shared/contract';
import { quickSpec } from '../../../shared/presets';
import { defaultSpec } from '../../../shared/spec';
import { differingFields, trainingSeconds } from './compare';

const run = (id: string, changes: Partial<RunRecord> = {}): RunRecord => ({
  id,
  createdAt: '2026-11-28T10:00:00Z',
  spec: defaultSpec(),
  dataDir: 'mnist',
  backend: 'wasm',
  status: 'done',
  epochsDone: 10,
  checkpoint: 'epoch-10',
  ...changes,
});

describe('differingFields', () => {
  it('lists nothing for two runs of the same settings', () => {
    expect(differingFields([run('a'), run('b')])).toEqual([]);
  });

  it('lists exactly the fields that differ, with each run’s value', () => {
    const spec = { ...defaultSpec(), activation: 'tanh' as const, epochs: 3 };
    expect(differingFields([run('a'), run('b', { spec, trainLimit: 3000 })])).toEqual([
      { field: 'activation', values: ['relu', 'tanh'] },
      { field: 'epochs', values: ['10', '3'] },
      { field: 'trainLimit', values: ['all', '3,000'] },
    ]);
  });

  it('shows a conv layer only one run has as missing in the others', () => {
    const base = defaultSpec();
    const one = { ...base, conv: base.conv.slice(0, 1), dense: [64] };
    const rows = differingFields([run('a'), run('b', { spec: one })]);
    expect(rows.find((r) => r.field === 'conv layers')?.values).toEqual(['2', '1']);
    expect(rows.find((r) => r.field === 'conv.1.filters')?.values).toEqual(['16', '—']);
    expect(rows.find((r) => r.field === 'dense')?.values).toEqual(['120, 84', '64']);
    expect(rows.some((r) => r.field.startsWith('conv.0.'))).toBe(false);
  });

  it('shows the learning-rate schedule in words, constant where a run has none', () => {
    expect(differingFields([run('a'), run('b', { spec: quickSpec() })])).toEqual([
      { field: 'learningRate', values: ['0.001', '0.005'] },
      { field: 'batchSize', values: ['200', '250'] },
      { field: 'epochs', values: ['10', '3'] },
      { field: 'schedule', values: ['constant', 'one-cycle, warm-up 25%'] },
    ]);
  });
});

describe('trainingSeconds', () => {
  it('adds the epochs’ seconds', () => {
    const epoch = (seconds: number) => ({ seconds }) as EpochMetrics;
    expect(trainingSeconds([epoch(1.5), epoch(2), epoch(0.25)])).toBe(3.75);
    expect(trainingSeconds([])).toBe(0);
  });
});
