// `dataset import FOLDER --name NAME`, `dataset list` and `dataset delete NAME`: the studio's data sets of a
// person's own images, in the per-user folder (or --user-dir).
import { join } from 'node:path';
import { readImageFolder } from '../engine/data/image-folder.ts';
import { DataSetStore } from '../engine/store/data-sets.ts';
import { userDataDir } from '../engine/store/paths.ts';
import { MAX_SET_IMAGES, MAX_SETS } from '../shared/datasets.ts';
import { parse } from './args.ts';
import { UsageError } from './errors.ts';

const OPTIONS = { name: { type: 'string' }, 'user-dir': { type: 'string' }, json: { type: 'boolean' } } as const;

/** The data sets of the studio whose per-user folder is `userDir`. */
export const dataSetStore = (userDir = userDataDir()) => new DataSetStore(join(userDir, 'data-sets'));

export async function datasetCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, OPTIONS, true);
  const [action, ...rest] = positionals;
  const store = dataSetStore(values['user-dir']);
  const json = values.json === true;
  if (action === 'import') {
    if (rest.length !== 1) throw new UsageError('dataset import: name one folder of labelled images (sub-folders 0/ … 9/)');
    if (!values.name) throw new UsageError('dataset import: give the data set a name with --name NAME');
    store.path(values.name);
    const read = await readImageFolder(rest[0]);
    const report = await store.import(values.name, read, rest[0]);
    if (json) return console.log(JSON.stringify(report));
    console.log(
      `${report.samples} image${report.samples === 1 ? '' : 's'} read from ${rest[0]}: ${report.added} added to ${JSON.stringify(report.name)}, ` +
        `${report.duplicates} already there; it holds ${report.count} (at most ${MAX_SET_IMAGES.toLocaleString('en-US')})`,
    );
    for (const { file, reason } of report.skipped) console.log(`  skipped ${file}: ${reason}`);
    return;
  }
  if (action === 'list') {
    const { sets, unreadable } = await store.list();
    if (json) return console.log(JSON.stringify({ sets, unreadable }));
    if (sets.length === 0) console.log(`no data sets in ${store.root} (at most ${MAX_SETS})`);
    for (const set of sets) console.log(`${set.name}: ${set.count} images (${set.perDigit.map((n, d) => `${d}: ${n}`).join(', ')})`);
    for (const line of unreadable) console.log(`unreadable: ${line}`);
    return;
  }
  if (action === 'delete') {
    if (rest.length !== 1) throw new UsageError('dataset delete: name one data set');
    const deleted = await store.remove(rest[0]);
    if (json) return console.log(JSON.stringify({ deleted }));
    console.log(deleted ? `deleted ${JSON.stringify(rest[0])}` : `there was no data set ${JSON.stringify(rest[0])}`);
    return;
  }
  throw new UsageError('dataset: import FOLDER --name NAME, list, or delete NAME');
}
