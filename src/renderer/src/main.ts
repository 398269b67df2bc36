import { mount } from 'svelte';
import App from './App.svelte';
import Failure from './components/Failure.svelte';
import { connect } from './lib/api';
import { StudioState } from './lib/studio.svelte';
import { studioContext } from './lib/context';
import './app.css';

const target = document.getElementById('app')!;
// A link that drops after start-up is shown by the app; one that never opened, by the failure page alone.
let studio: StudioState | undefined;

connect((reason) => {
  studio?.engineLost(reason);
})
  .then(async (api) => {
    studio = new StudioState(api);
    await studio.load();
    mount(App, { target, props: { studio }, context: studioContext(studio) });
  })
  .catch((err: unknown) => mount(Failure, { target, props: { message: err instanceof Error ? err.message : String(err) } }));
