// What the engine uses of tfjs, for the built app: core with every gradient and chained op registered (as the
// umbrella package registers them), layers and the cpu backend, without the umbrella's webgl, converter and
// data packages. electron.vite.config.ts resolves '@tensorflow/tfjs' here and bundles it into out/main from
// the packages' ES modules, one copy of each; in development Node loads the umbrella's CommonJS build.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { version_core } from '@tensorflow/tfjs-core';
import { version_layers } from '@tensorflow/tfjs-layers';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
export * from '@tensorflow/tfjs-backend-cpu';

/** The umbrella's `version` (model-io.ts writes `version.tfjs` into model.json): its packages are one release. */
export const version = { 'tfjs-core': version_core, 'tfjs-layers': version_layers, 'tfjs-backend-cpu': version_cpu, tfjs: version_core };
