import { describe, expect, it } from 'vitest';
import { specFrom } from './args.ts';
import { defaultAugment } from '../shared/augment.ts';

describe('augmentation on the command line', () => {
  it('is off unless asked; --augment takes the studio defaults; a range flag sets one range', async () => {
    expect((await specFrom({})).augment).toBeUndefined();
    expect((await specFrom({ augment: true })).augment).toEqual(defaultAugment());
    expect((await specFrom({ augment: true, 'augment-rotation': '20' })).augment).toEqual({ ...defaultAugment(), rotation: 20 });
    expect((await specFrom({ 'augment-elastic': '0' })).augment).toEqual({ ...defaultAugment(), elastic: 0 });
  });

  it('names a bad range', async () => {
    await expect(specFrom({ 'augment-rotation': '90' })).rejects.toThrow(/augment.*rotation.*must be at most 45°/i);
    await expect(specFrom({ 'augment-shift': 'far' })).rejects.toThrow('--augment-shift: expected a number, got "far"');
  });
});
