import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEnoughDigits, finetuneData, holdOut, MINE_SHARE, pick } from './finetune.ts';
import { limitSplit, loadDataset, type Split } from '../data/dataset.ts';
import { dispatch } from '../dispatch.ts';
import { Studio } from '../studio.ts';
import type { EventChannel, EventPayloads } from '../../shared/contract.ts';
import { PIXELS } from '../../shared/mnist.ts';
import { firstPerClass } from '../testing/style.ts';

let mnist: Split;
beforeAll(async () => {
  mnist = (await loadDataset()).test;
});

const labelsOf = (split: Split) => Array.from(split.labels);
const countOf = (labels: number[], digit: number) => labels.filter((l) => l === digit).length;

describe('fine-tune data', () => {
  it('holds out a share of each digit, the same for a seed, never a sample twice', () => {
    const mine = pick(
      mnist,
      Array.from({ length: 200 }, (_, i) => i),
    );
    const { train, heldOut } = holdOut(mine, 0.25, 3);
    expect(train.count + heldOut.count).toBe(200);
    for (let digit = 0; digit < 10; digit++) {
      const all = countOf(labelsOf(mine), digit);
      expect(countOf(labelsOf(heldOut), digit)).toBe(Math.max(1, Math.round(all * 0.25)));
    }
    expect(holdOut(mine, 0.25, 3)).toEqual({ train, heldOut });
    expect(holdOut(mine, 0.25, 4).heldOut.pixels).not.toEqual(heldOut.pixels);
    // Each held-out image is one of mine and not among those trained on.
    const key = (s: Split, k: number) => Buffer.from(s.pixels.subarray(k * PIXELS, (k + 1) * PIXELS)).toString('base64');
    const trained = new Set(Array.from({ length: train.count }, (_, k) => key(train, k)));
    for (let k = 0; k < heldOut.count; k++) expect(trained.has(key(heldOut, k))).toBe(false);
  });

  it('makes every batch a fixed share of my digits and the rest MNIST, each MNIST sample once an epoch', () => {
    const mine = pick(mnist, [0, 1, 2, 3, 4, 5, 6]);
    const replay = limitSplit(mnist, 1000);
    const { train, orderOf } = finetuneData(mine, replay, 100, 1);
    expect(train.count).toBe(1007);
    const order = orderOf(0);
    const ofMine = Math.round(100 * MINE_SHARE);
    for (let b = 0; b * 100 < order.length; b++) {
      const batch = Array.from(order.subarray(b * 100, (b + 1) * 100));
      expect(batch.filter((i) => i < 7)).toHaveLength(Math.min(ofMine, batch.length));
    }
    const fromMnist = Array.from(order).filter((i) => i >= 7);
    expect(new Set(fromMnist).size).toBe(1000);
    expect(fromMnist).toHaveLength(1000);
    expect(orderOf(0)).toEqual(order);
    expect(orderOf(1)).not.toEqual(order);
  });

  it('says how many digits are needed', () => {
    expect(() => checkEnoughDigits(3)).toThrow('fine-tuning needs at least 10 of my digits; there are 3 — save more from the Draw view');
    expect(() => checkEnoughDigits(10)).not.toThrow();
  });
});

describe('training:finetune', () => {
  let studio: Studio;
  let userDir: string;
  const events: { channel: EventChannel; payload: unknown }[] = [];
  beforeAll(async () => {
    userDir = mkdtempSync(join(tmpdir(), 'user-'));
    studio = await Studio.open({ userDir, transport: 'websocket', version: 'test' });
    studio.onEvent((channel, payload) => events.push({ channel, payload }));
  });
  afterAll(() => studio.close());

  const next = <E extends EventChannel>(channel: E): Promise<EventPayloads[E]> =>
    new Promise((resolve) => {
      const off = studio.onEvent((c, payload) => {
        if ((c as EventChannel) !== channel) return;
        off();
        resolve(payload as EventPayloads[E]);
      });
    });

  it('refuses too few digits, then fine-tunes from the bundled model, stops, resumes and records before and after', async () => {
    const request = { epochs: 2, learningRate: 0.0005, heldOut: 0.25, trainLimit: 800, testLimit: 300 };
    expect(await dispatch(studio, 'training:finetune', request)).toEqual({
      ok: false,
      error: 'fine-tuning needs at least 10 of my digits; there are 0 — save more from the Draw view',
    });
    // Two of each digit, saved as the Draw view saves them.
    for (const i of firstPerClass(mnist, 2)) {
      const field = Array.from(mnist.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255);
      await studio.handlers['digits:save']({ label: mnist.labels[i], drawing: { strokes: [], canvas: { width: 28, height: 28 }, png: '', field } });
    }
    const firstEpoch = next('training:epoch');
    const stopped = next('training:done');
    const { runId } = await studio.handlers['training:finetune'](request);
    await firstEpoch;
    await studio.handlers['training:stop'](undefined);
    const halfway = await stopped;
    expect(halfway.stopped).toBe(true);
    expect(halfway.run.finetune).toMatchObject({ from: 'bundled LeNet-5', trained: 10, heldOut: 10, after: null });
    const before = halfway.run.finetune!.before;
    expect(before.mine).toBeGreaterThanOrEqual(0);
    expect(before.mnist).toBeGreaterThan(0.9);
    // The run keeps its digits: deleting mine does not change what it resumes on.
    expect(readdirSync(join(userDir, 'runs', runId)).filter((n) => !n.startsWith('ckpt-'))).toEqual(
      expect.arrayContaining(['held-out', 'mine', 'run.json']),
    );

    const finished = next('training:done');
    await studio.handlers['training:start']({ spec: halfway.run.spec, resumeId: runId });
    const done = await finished;
    expect(done.stopped).toBe(false);
    expect(done.run.epochsDone).toBe(2);
    expect(done.run.finetune!.before).toEqual(before);
    expect(done.run.finetune!.after).toEqual({ mine: expect.any(Number), mnist: expect.any(Number) });
    const listed = await studio.handlers['runs:list'](undefined);
    expect(listed.find((r) => r.id === runId)).toMatchObject({ finetune: done.run.finetune });
    expect(events.some((e) => e.channel === 'training:progress')).toBe(true);
  });
});
