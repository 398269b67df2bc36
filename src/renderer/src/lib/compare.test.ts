import { describe, expect, it } from 'vitest';
import type { EpochMetrics, RunRecord } from '../../../shared/contract';
import { quickSpec } from '../../../shared/presets';
import { defaultSpec } from '../../../shared/spec';
import { differingFields, settingLabel, trainingSeconds } from './compare';

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

describe('settingLabel', () => {
  it('names settings as people do, never by their code names (issue 18, item 8)', () => {
    expect(
      ['learningRate', 'conv.0.kernelSize', 'trainLimit', 'testLimit', 'conv layers', 'dense', 'schedule', 'augment.rotation'].map(settingLabel),
    ).toEqual([
      'Learning rate',
      'Conv layer 1 · kernel size',
      'Training samples',
      'Validation samples',
      'Conv layers',
      'Dense layers',
      'Learning-rate schedule',
      'Augmentation · rotation (°)',
    ]);
  });

  it('shows augmentation as on/off and its ranges, not [object Object]', () => {
    const spec = { ...defaultSpec(), augment: { shift: 2, rotation: 12, scale: 0.12, shear: 10, thickness: 0.6, elastic: 2 } };
    const rows = differingFields([run('a'), run('b', { spec })]);
    expect(rows.find((r) => r.field === 'augment')?.values).toEqual(['off', 'on']);
    expect(rows.find((r) => r.field === 'augment.rotation')?.values).toEqual(['—', '12']);
    expect(rows.some((r) => r.values.some((v) => v.includes('object')))).toBe(false);
  });
});
