import { mount } from 'svelte';
import App from './App.svelte';
import Failure from './components/Failure.svelte';
import { connect } from './lib/api';
import { StudioState } from './lib/studio.svelte';
import './app.css';

const target = document.getElementById('app')!;

connect((reason) => {
  document.body.dataset.disconnected = reason;
})
  .then(async (api) => {
    const studio = new StudioState(api);
    await studio.load();
    mount(App, { target, props: { studio } });
  })
  .catch((err: unknown) => mount(Failure, { target, props: { message: err instanceof Error ? err.message : String(err) } }));
