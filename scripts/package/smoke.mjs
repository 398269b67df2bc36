// Smoke run of the packaged app in plain Node: `node scripts/package/smoke.mjs <simulated resources> <spec JSON>`.
// Starts the packaged main bundle (app.asar/out/main/index.js) on a stand-in Electron, then through its IPC
// handlers: the backend, the dataset, a prediction by the bundled model, an evaluation and one training
// step in worker threads. Prints one line each; exits 1 on the first failure.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [resources, specJson] = process.argv.slice(2);
const fail = (message) => {
  console.error(`smoke: FAILED: ${message}`);
  process.exit(1);
};
setTimeout(() => fail('timed out after 240 s'), 240_000).unref();

const handlers = new Map();
const events = new EventEmitter();
const windows = [];
let exited;
const exitCode = new Promise((resolve) => (exited = resolve));

class BrowserWindow extends EventEmitter {
  static getAllWindows = () => windows;
  webContents = { send: (channel, payload) => events.emit(channel, payload) };
  loaded = null;
  constructor(options) {
    super();
    this.options = options;
    windows.push(this);
  }
  loadFile = async (path) => void (this.loaded = path);
  loadURL = async (url) => void (this.loaded = url);
  isDestroyed = () => false;
  isMinimized = () => false;
  isFocused = () => true;
  isMaximized = () => false;
  getNormalBounds = () => ({ x: 0, y: 0, width: this.options.width, height: this.options.height });
  setProgressBar = () => undefined;
  maximize = () => undefined;
  show = () => undefined;
  focus = () => undefined;
}

const app = Object.assign(new EventEmitter(), {
  isPackaged: true,
  whenReady: async () => undefined,
  getVersion: () => 'smoke',
  getPath: () => process.env.DIGIT_STUDIO_HOME,
  requestSingleInstanceLock: () => true,
  quit: () => undefined,
  exit: (code) => exited(code),
});
globalThis.digitStudioStandInElectron = {
  app,
  BrowserWindow,
  Menu: { buildFromTemplate: (t) => t, setApplicationMenu: () => undefined },
  Notification: Object.assign(class {}, { isSupported: () => false }),
  dialog: { showErrorBox: (title, content) => fail(`${title}: ${content}`) },
  ipcMain: { handle: (channel, handler) => handlers.set(channel, handler), removeHandler: (channel) => handlers.delete(channel) },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: () => undefined },
      setPermissionRequestHandler: () => undefined,
      setPermissionCheckHandler: () => undefined,
    },
  },
  shell: { openPath: async () => '', openExternal: async () => undefined },
};
process.resourcesPath = resources;

await import(pathToFileURL(join(resources, 'app.asar', 'out', 'main', 'index.js')).href);
const started = Date.now();
while (!windows[0]?.loaded) {
  if (Date.now() - started > 120_000) fail('the window never loaded its page');
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const window = windows[0];
const fromWindow = { sender: window.webContents, senderFrame: { url: pathToFileURL(window.loaded).href } };
async function call(channel, payload) {
  const reply = await handlers.get(channel)(fromWindow, payload);
  if (!reply.ok) fail(`${channel}: ${reply.error}`);
  return reply.value;
}

const info = await call('app:info');
console.log(`smoke: backend ${info.backend} (${info.backendLabel}), active model: ${info.activeModel.label}`);
const dataset = await call('dataset:info');
if (dataset.counts.train !== 60000 || dataset.counts.test !== 10000) fail(`dataset counts ${JSON.stringify(dataset.counts)}`);
console.log(`smoke: dataset ${dataset.name}: ${dataset.counts.train} train, ${dataset.counts.test} test`);
const samples = await Promise.all([0, 1, 2, 3, 4].map((index) => call('dataset:sample', { split: 'test', index })));
const right = samples.filter((s) => s.prediction.label === s.label).length;
if (right < 4) fail(`the bundled model got ${right} of the first 5 test digits`);
console.log(
  `smoke: bundled model predicts ${samples.map((s) => s.prediction.label).join(' ')} for test digits labelled ${samples.map((s) => s.label).join(' ')}`,
);
const evaluation = await call('model:evaluate');
console.log(`smoke: evaluation worker: test accuracy ${(evaluation.accuracy * 100).toFixed(2)}% on ${evaluation.count} digits`);

const done = new Promise((resolve) => events.once('training:done', resolve));
events.once('training:error', ({ message }) => fail(`training: ${message}`));
const spec = JSON.parse(specJson);
const { runId } = await call('training:start', { spec, trainLimit: spec.batchSize, testLimit: 100 });
const { run } = await done;
if (run.status !== 'done' || run.epochsDone !== 1 || !run.checkpoint) fail(`run ${runId} ended ${JSON.stringify(run)}`);
console.log(
  `smoke: training worker: run ${run.id} ${run.status}, 1 step of ${spec.batchSize}, loss ${run.last.loss.toFixed(3)}, checkpoint ${run.checkpoint}`,
);

app.emit('before-quit', { preventDefault: () => undefined });
const code = await exitCode;
console.log(`smoke: quit with code ${code}`);
process.exit(code);
