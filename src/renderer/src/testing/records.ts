// Records the renderer tests hand to the fake engine: a finished run and a model's evaluation.
import type { ModelEvaluation, RunRecord } from '../../../shared/contract';
import { defaultSpec } from '../../../shared/spec';

/** A finished run of the default spec, ten epochs in; `extra` overrides any field. */
export function runRecord(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    createdAt: '2026-11-28T10:00:00Z',
    spec: defaultSpec(),
    dataDir: '/data',
    backend: 'wasm',
    status: 'done',
    epochsDone: 10,
    checkpoint: 'ckpt-0010-aaaa',
    ...extra,
  };
}

/** The bundled model's evaluation with this confusion matrix (rows the label, columns the reading) and mistakes. */
export function evaluationOf(confusion: number[][], errors: ModelEvaluation['errors'] = []): ModelEvaluation {
  const perClass = confusion.map((row, digit) => ({ digit, precision: 0.99, recall: 0.98, f1: 0.985, support: row.reduce((a, b) => a + b) }));
  const count = perClass.reduce((sum, c) => sum + c.support, 0);
  const right = confusion.reduce((sum, row, digit) => sum + row[digit], 0);
  return {
    loss: 0.05,
    accuracy: right / count,
    confusion,
    perClassAccuracy: perClass.map((c) => c.recall),
    perClass,
    errors,
    count,
    model: { id: 'bundled', label: 'bundled LeNet-5', testAccuracy: 0.99 },
  };
}
