import { describe, expect, it, vi } from 'vitest';
import type { EventChannel, EventPayloads } from '../shared/contract.ts';
import { wireTaskbar } from './taskbar.ts';

type Listener = <E extends EventChannel>(channel: E, payload: EventPayloads[E]) => void;

function setup(focused: boolean) {
  let emit: Listener = () => undefined;
  const window = { setProgressBar: vi.fn(), isFocused: () => focused, isDestroyed: () => false };
  const notify = vi.fn();
  wireTaskbar((listener) => ((emit = listener), () => undefined), { window, notify });
  return { emit: (channel: EventChannel, payload: unknown) => emit(channel, payload as never), window, notify };
}

const progress = (epoch: number, batch: number) => ({
  runId: 'r',
  point: { step: 0, loss: 0, accuracy: 0 },
  progress: { epoch, epochs: 2, batch, batches: 10, loss: 0, accuracy: 0, samplesPerSecond: 0, etaSeconds: 0 },
});
const run = { id: 'r1', epochsDone: 2, last: { valAccuracy: 0.9876 } };

describe('taskbar progress and notifications', () => {
  it('shows the fraction of all batches, and clears it when the run ends', () => {
    const { emit, window } = setup(true);
    emit('training:progress', progress(1, 5));
    emit('training:progress', progress(2, 10));
    emit('training:done', { run, stopped: false });
    expect(window.setProgressBar.mock.calls).toEqual([[0.25], [1], [-1]]);
  });

  it('notifies when a run ends while the window is in the background, not when it is in front', () => {
    const background = setup(false);
    background.emit('training:done', { run, stopped: false });
    background.emit('training:error', { runId: 'r2', message: 'out of memory' });
    expect(background.notify.mock.calls).toEqual([
      ['Training finished', 'Run r1: 2 epochs, validation accuracy 98.76%'],
      ['Training failed', 'out of memory'],
    ]);
    const front = setup(true);
    front.emit('training:done', { run, stopped: true });
    expect(front.notify).not.toHaveBeenCalled();
  });
});
