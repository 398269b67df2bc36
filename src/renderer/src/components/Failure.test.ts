// The page shown when the window cannot reach the engine at start (issue 18, item 9): after the engine was
// started again the old address's token is refused, so the page says where to go and offers to try again.
import { render, screen } from '@testing-library/svelte';
import { expect, it } from 'vitest';
import { closeReason } from '../lib/ws-client';
import Failure from './Failure.svelte';

it('says the engine was refused without naming a command, and offers the new address or a retry', () => {
  render(Failure, { message: closeReason(1006) });
  const alert = screen.getByRole('alert');
  expect(alert.textContent).toMatch(/could not start/);
  expect(alert.textContent).toMatch(/open the new address it printed/);
  expect(alert.textContent).not.toMatch(/npm run serve/);
  expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
});
