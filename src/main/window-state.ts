// The main window's size and place, remembered between sessions in window-state.json in the user folder.
import { readOptionalJson } from '../engine/store/preferences.ts';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../engine/store/atomic.ts';

export const WINDOW_STATE_FILE = 'window-state.json';
export const MIN_SIZE = { width: 960, height: 640 };

const WindowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(MIN_SIZE.width).max(32_000),
  height: z.number().int().min(MIN_SIZE.height).max(32_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The saved state, or null when there is none or it is not valid (it is only a preference). */
export function readWindowState(path: string): WindowState | null {
  return readOptionalJson(path, WindowStateSchema);
}

/** Replace the saved state atomically. */
export async function saveWindowState(path: string, state: WindowState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, JSON.stringify(WindowStateSchema.parse(state), null, 2));
}

/** Whether enough of `state` (its title bar, at least) lies on one of the displays' work areas to grab it. */
export function isVisibleOn(state: Rect, workAreas: Rect[]): boolean {
  const GRAB = 48;
  return workAreas.some(
    (area) =>
      state.x + state.width - GRAB >= area.x && state.x + GRAB <= area.x + area.width && state.y >= area.y && state.y + GRAB <= area.y + area.height,
  );
}
