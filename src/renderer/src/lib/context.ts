// The studio's state reaches the components that need it through Svelte's context, set once where the app is
// mounted, instead of being handed down through every component in between.
import { getContext } from 'svelte';
import type { StudioState } from './studio.svelte';

const KEY = Symbol('studio');

/** The context to mount the app (or a component under test) with. */
export const studioContext = (studio: StudioState) => new Map<symbol, unknown>([[KEY, studio]]);

/** The studio, from a component's context. */
export function useStudio(): StudioState {
  const studio = getContext<StudioState | undefined>(KEY);
  if (!studio) throw new Error('no studio in context: mount with studioContext(studio)');
  return studio;
}
