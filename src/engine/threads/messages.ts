// What the shell's thread and an engine thread say to each other: requests carry an id, each answered once.
import type { EventChannel, Reply } from '../../shared/contract.ts';
import type { StudioOptions } from '../studio.ts';

/** The jobs the native dialogs hand the engine, by file path. */
export type FolderJob = 'exportModel' | 'importModel' | 'exportDigits' | 'importDigits';

/** What an engine thread is started with: the Studio's plain options (functions cannot cross threads). */
export interface EngineWorkerData {
  options: Pick<StudioOptions, 'userDir' | 'dataDir' | 'transport' | 'version' | 'lane'>;
}

/** To an engine thread. */
export type ToEngine =
  | { type: 'invoke'; id: number; channel: unknown; payload: unknown }
  | { type: 'folder'; id: number; job: FolderJob; dir: string }
  | { type: 'follow'; id: number; modelId: string }
  | { type: 'close'; id: number }
  /** The window no longer wants request `id`: dropped if it has not started (its reply was already given). */
  | { type: 'cancel'; id: number };

/** From an engine thread. */
export type FromEngine =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; reply: Reply<unknown> }
  | { type: 'event'; channel: EventChannel; payload: unknown };
