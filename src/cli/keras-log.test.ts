import { describe, expect, it } from 'vitest';
import { bar, epochLine } from './keras-log.ts';

const progress = (batch: number, etaSeconds: number | null = 99.4) => ({
  epoch: 1,
  epochs: 10,
  batch,
  batches: 300,
  loss: 0.36871,
  accuracy: 0.89021,
  samplesPerSecond: 6000,
  etaSeconds,
});

describe('Keras-style output', () => {
  it('draws a 30-wide bar with its arrow, full at the end, and the time left in the run', () => {
    expect(bar(progress(150), 60000)).toBe('30000/60000 [==============>...............] - ETA: 99s - loss: 0.3687 - accuracy: 0.8902');
    expect(bar(progress(300, 0), 60000)).toBe('60000/60000 [==============================] - ETA: 0s - loss: 0.3687 - accuracy: 0.8902');
    expect(bar(progress(1), 60000)).toMatch(/^ {2}200\/60000 \[>\.{29}\]/);
  });

  it('says it is estimating while the first batches are measured', () => {
    expect(bar(progress(2, null), 60000)).toContain('- ETA: estimating… - loss: 0.3687');
  });

  it("prints an epoch like the notebook's fit", () => {
    const line = epochLine(
      { epoch: 1, epochs: 10, loss: 0.3687, accuracy: 0.8902, valLoss: 0.1072, valAccuracy: 0.9684, seconds: 41.2, samplesPerSecond: 1456 },
      60000,
    );
    expect(line).toBe('60000/60000 - 41s 687us/step - loss: 0.3687 - accuracy: 0.8902 - val_loss: 0.1072 - val_accuracy: 0.9684');
  });
});
