// Draw's number mode state against the fake engine: what it asks (counted, payloads checked) and what it keeps.
import { describe, expect, it } from 'vitest';
import type { NumberReading } from '../../../shared/contract';
import type { Stroke } from '../../../shared/digits';
import { NumberState } from './number.svelte';
import { StudioState } from './studio.svelte';
import { fakeEngine, held } from '../testing/fake-api';

const PAD = { width: 600, height: 200 };
const field = Array.from({ length: 784 }, () => 0);
const sure = (label: number) => Array.from({ length: 10 }, (_, d) => (d === label ? 1 : 0));

/** Two digits read: a sure 2 at x 10–60, an unsure 7 at x 100–150. */
const reading: NumberReading = {
  number: '27',
  digits: [
    { box: [10, 20, 50, 120], label: 2, probabilities: sure(2), confident: true, field },
    { box: [100, 20, 50, 120], label: 7, probabilities: sure(7), confident: false, reason: 'unsure', field },
  ],
};
const strokes: Stroke[] = [
  {
    width: 14,
    points: [
      [20, 30],
      [50, 130],
    ],
  },
  {
    width: 14,
    points: [
      [110, 30],
      [140, 130],
    ],
  },
];

function setUp() {
  const api = fakeEngine();
  api.handle('model:read', () => reading);
  api.handle('digits:save', () => ({ id: 'd-000000000001', label: 7, createdAt: '2026-12-04T00:00:00Z' }));
  api.handle('digits:list', () => ({ total: 0, digits: [], pixels: '' }));
  const studio = new StudioState(api);
  let numbers!: NumberState;
  const stop = $effect.root(() => void (numbers = new NumberState(studio)));
  return { api, numbers, stop };
}

describe('NumberState', () => {
  it('a stroke on the wide pad asks model:read once with the strokes and the pad size', async () => {
    const { api, numbers, stop } = setUp();
    await numbers.readStrokes(strokes, PAD);
    expect(api.count('model:read')).toBe(1);
    expect(api.payloads['model:read']).toEqual([{ strokes, canvas: PAD }]);
    expect(numbers.reading?.number).toBe('27');
    expect(numbers.source).toBe('pad');
    expect(numbers.readings).toBe(1);
    stop();
  });

  it('an empty pad clears the reading without asking', async () => {
    const { api, numbers, stop } = setUp();
    await numbers.readStrokes(strokes, PAD);
    await numbers.readStrokes([], PAD);
    expect(api.count('model:read')).toBe(1);
    expect(numbers.reading).toBeNull();
    stop();
  });

  it('an image is sent as a PNG and its size kept for the boxes', async () => {
    const { api, numbers, stop } = setUp();
    await numbers.readImage('iVBORw0KGgo=', { width: 320, height: 90 }, 'image');
    expect(api.payloads['model:read']).toEqual([{ png: 'iVBORw0KGgo=' }]);
    expect(numbers.size).toEqual({ width: 320, height: 90 });
    expect(numbers.source).toBe('image');
    stop();
  });

  it('drops a reply that a newer request overtook', async () => {
    const { api, numbers, stop } = setUp();
    const slow = held<NumberReading>();
    api.handle('model:read', () => slow.promise);
    const first = numbers.readStrokes(strokes, PAD);
    api.handle('model:read', () => ({ number: '2', digits: [reading.digits[0]] }));
    await numbers.readStrokes(strokes.slice(0, 1), PAD);
    slow.resolve(reading);
    await first;
    expect(numbers.reading?.number).toBe('2');
    expect(api.count('model:read')).toBe(2);
    stop();
  });

  it('reads the same input again when the active model changes', async () => {
    const { api, numbers, stop } = setUp();
    await numbers.readStrokes(strokes, PAD);
    api.emit('model:changed', { id: 'bundled', label: 'bundled', testAccuracy: null });
    await Promise.resolve();
    expect(api.count('model:read')).toBe(2);
    expect(api.payloads['model:read']![1]).toEqual({ strokes, canvas: PAD });
    stop();
  });

  it('saves a picked digit with its field and the strokes inside its box, moved to the box', async () => {
    const { api, numbers, stop } = setUp();
    await numbers.readStrokes(strokes, PAD);
    numbers.select(1);
    expect(await numbers.save(7, 'AAAA')).toBe(true);
    expect(api.count('digits:save')).toBe(1);
    expect(api.payloads['digits:save']).toEqual([
      {
        label: 7,
        drawing: {
          strokes: [
            {
              width: 14,
              points: [
                [10, 10],
                [40, 110],
              ],
            },
          ],
          canvas: { width: 50, height: 120 },
          png: 'AAAA',
          field,
        },
      },
    ]);
    stop();
  });

  it('says why when the engine refuses', async () => {
    const { api, numbers, stop } = setUp();
    api.handle('model:read', () => Promise.reject(new Error('the image: no digits found')));
    await numbers.readImage('AAAA', { width: 10, height: 10 }, 'image');
    expect(numbers.problem).toBe('Could not read a number: the image: no digits found');
    expect(numbers.reading).toBeNull();
    stop();
  });

  it('opening a new image clears the old boxes at once and says it is reading; a late reply to the old one is dropped (issue 25, item 5)', async () => {
    const { api, numbers } = setUp();
    await numbers.readImage('AAAA', { width: 300, height: 100 }, 'image');
    expect(numbers.reading?.number).toBe('27');
    const late = held<NumberReading>();
    api.handle('model:read', () => late.promise);
    const asked = numbers.readImage('BBBB', { width: 300, height: 100 }, 'image');
    numbers.expect('image');
    expect(numbers.reading).toBeNull();
    expect(numbers.waiting).toBe('image');
    late.resolve(reading);
    await asked;
    expect(numbers.reading).toBeNull();
    api.handle('model:read', () => ({ number: '5', digits: [] }));
    await numbers.readImage('CCCC', { width: 300, height: 100 }, 'image');
    expect(numbers.reading?.number).toBe('5');
    expect(numbers.waiting).toBeNull();
  });

  it("stopping the camera clears its reading; the pad's reading stays when the camera was not in use (issue 25, item 5)", async () => {
    const { numbers } = setUp();
    numbers.expect('camera');
    expect(numbers.waiting).toBe('camera');
    await numbers.readImage('AAAA', { width: 640, height: 480 }, 'camera');
    expect(numbers.reading?.number).toBe('27');
    numbers.stopped();
    expect(numbers.reading).toBeNull();
    await numbers.readStrokes(strokes, PAD);
    numbers.stopped();
    expect(numbers.reading?.number).toBe('27');
  });

  it('camera frames that arrive while a reading is out cancel it; only the newest frame is read next', async () => {
    const { api, numbers, stop } = setUp();
    const first = held<NumberReading>();
    let reads = 0;
    api.handle('model:read', () => (++reads === 1 ? first.promise : { ...reading, number: '72' }));
    const frames = ['AAAA', 'BBBB', 'CCCC'].map((png) => numbers.readImage(png, PAD, 'camera'));
    expect(api.count('model:read')).toBe(1);
    expect(api.signals['model:read']![0]?.aborted).toBe(true);
    first.resolve(reading);
    await Promise.all(frames);
    await expect.poll(() => numbers.reading?.number).toBe('72');
    expect(api.payloads['model:read']!.map((p) => (p as { png: string }).png)).toEqual(['AAAA', 'CCCC']);
    expect(numbers.busy).toBe(false);
    stop();
  });
});
