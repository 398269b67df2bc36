// Models in and out of the studio: exports read straight from the model's folder (nothing is staged in the
// user folder), imports checked and recorded as finished runs, one at a time.
import { basename, join, sep } from 'node:path';
import type { ActiveModel } from '../../shared/contract.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { explainFsError, readUserFile, UserError } from '../errors.ts';
import type { BackendName, tf } from '../runtime/backend.ts';
import type { RunStore } from '../store/runs.ts';
import { MAX_WEIGHTS_BYTES } from './check.ts';
import { EXCHANGE_MANIFEST, type ExchangeManifest, exportModelFolder, importModelFolder } from './exchange.ts';
import { MODEL_JSON, WEIGHTS_BIN } from './model-io.ts';
import { type ModelFile, withTempDir, writeUpload } from './upload.ts';

/** Where a model uploaded through the window, or opened from a folder, is recorded as coming from. */
const UPLOADED_MODEL = 'uploaded model';

export class ModelTransfer {
  /** Whether an import is under way: each holds its files (up to 64 MB apiece) until it is done. */
  private importing = false;

  constructor(
    private readonly store: RunStore,
    private readonly userDir: string,
    private readonly backend: BackendName,
  ) {}

  /** What an export of `active` says about it: its spec, name, accuracy and how that was measured. */
  async manifest(active: ActiveModel): Promise<ExchangeManifest> {
    const record = active.id === 'bundled' ? null : await this.store.read(active.id);
    return {
      exportedAt: new Date().toISOString(),
      source: active.label,
      spec: record?.spec ?? defaultSpec(),
      testAccuracy: active.testAccuracy,
      last: record?.last,
      name: record?.name,
      testLimit: record?.testLimit,
    };
  }

  /** The files of the model in folder `dir` (described by `active`) for a download. */
  async files(active: ActiveModel, dir: string): Promise<ModelFile[]> {
    const manifest = await this.manifest(active);
    const base64 = async (name: string) => Buffer.from(await readUserFile(join(dir, name), MAX_WEIGHTS_BYTES)).toString('base64');
    return [
      { name: MODEL_JSON, base64: await base64(MODEL_JSON) },
      { name: WEIGHTS_BIN, base64: await base64(WEIGHTS_BIN) },
      { name: EXCHANGE_MANIFEST, base64: Buffer.from(JSON.stringify(manifest, null, 2)).toString('base64') },
    ];
  }

  /** Export `model` (described by `active`) into the new or empty folder `dir`. */
  async exportTo(model: tf.LayersModel, active: ActiveModel, dir: string): Promise<void> {
    await exportModelFolder(model, dir, await this.manifest(active));
  }

  /** Import uploaded files as a finished run; returns its id. Errors name the upload, never the temporary folder. */
  importUpload(files: ModelFile[], name?: string): Promise<string> {
    return this.oneAtATime(async () => {
      try {
        return await withTempDir(this.userDir, async (dir) => {
          try {
            await writeUpload(files, dir);
            return (await importModelFolder(this.store, dir, this.backend, UPLOADED_MODEL, { typed: name })).id;
          } catch (err) {
            const explained = explainFsError(err, this.userDir);
            throw explained instanceof UserError
              ? new UserError(explained.message.replaceAll(dir + sep, 'the uploaded ').replaceAll(dir, 'the uploaded model'))
              : explained;
          }
        });
      } catch (err) {
        // Making or removing the temporary folder (a read-only or full home) names the user folder.
        throw explainFsError(err, this.userDir);
      }
    });
  }

  /** Import the model folder `dir` as a finished run; returns its id. */
  importFolder(dir: string): Promise<string> {
    return this.oneAtATime(async () => (await importModelFolder(this.store, dir, this.backend, UPLOADED_MODEL, { folder: basename(dir) })).id);
  }

  private async oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    if (this.importing) throw new UserError('another model import is under way; import this one when it has finished');
    this.importing = true;
    try {
      return await work();
    } finally {
      this.importing = false;
    }
  }
}
