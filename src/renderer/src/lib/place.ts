// The current place in the address (#draw), so that a reload, a bookmark or Back returns to it.
import type { Place } from './studio.svelte';

export const PLACES: readonly Place[] = ['dataset', 'training', 'draw', 'model'];

/** The place an address's hash names (`#model`), or null when it names none. */
export function placeFromHash(hash: string): Place | null {
  const name = hash.replace(/^#/, '');
  return (PLACES as readonly string[]).includes(name) ? (name as Place) : null;
}

/** Write the place into the address without a new history entry (a place is a view, not a page). */
export function writePlace(place: Place): void {
  const hash = `#${place}`;
  if (location.hash !== hash) history.replaceState(history.state, '', hash);
}

const INVITED = 'digit-studio:invited';

/** Whether the first-launch invitation to draw was seen through (Draw visited or the invitation dismissed). */
export function invited(): boolean {
  try {
    return localStorage.getItem(INVITED) === 'yes';
  } catch {
    return false;
  }
}

/** Remember that the invitation to draw needs no showing again. */
export function markInvited(): void {
  try {
    localStorage.setItem(INVITED, 'yes');
  } catch {
    // Storage refused (a locked-down browser): the invitation shows again next time, which is harmless.
  }
}
