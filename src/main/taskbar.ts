// Training seen from outside the window: progress in the taskbar or dock, and a system notification when a
// run ends while the studio is in the background.
import type { BrowserWindow } from 'electron';
import type { EventChannel, EventPayloads } from '../shared/contract.ts';
import { runFraction } from '../shared/types.ts';

type Subscribe = (listener: <E extends EventChannel>(channel: E, payload: EventPayloads[E]) => void) => () => void;

interface TaskbarTarget {
  window: Pick<BrowserWindow, 'setProgressBar' | 'isFocused' | 'isDestroyed'>;
  /** Show a system notification (where the platform supports them). */
  notify(title: string, body: string): void;
}

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;

/** Follow the studio's training events in the taskbar; returns the unsubscribe function. */
export function wireTaskbar(subscribe: Subscribe, target: TaskbarTarget): () => void {
  const { window } = target;
  const inBackground = () => !window.isDestroyed() && !window.isFocused();
  return subscribe((channel, payload) => {
    if (window.isDestroyed()) return;
    if (channel === 'training:progress') {
      const { progress } = payload as EventPayloads['training:progress'];
      window.setProgressBar(Math.min(1, runFraction(progress)));
    } else if (channel === 'training:done') {
      const { run, stopped } = payload as EventPayloads['training:done'];
      window.setProgressBar(-1);
      const accuracy = run.last ? `, validation accuracy ${percent(run.last.valAccuracy)}` : '';
      if (inBackground()) target.notify(stopped ? 'Training stopped' : 'Training finished', `Run ${run.id}: ${run.epochsDone} epochs${accuracy}`);
    } else if (channel === 'training:error') {
      const { message } = payload as EventPayloads['training:error'];
      window.setProgressBar(-1);
      if (inBackground()) target.notify('Training failed', message);
    }
  });
}
