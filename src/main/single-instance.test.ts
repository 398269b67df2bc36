import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { claimSingleInstance, focusWindow } from './single-instance.ts';

describe('single instance', () => {
  it('without the lock: quits and says so', () => {
    const app = Object.assign(new EventEmitter(), { requestSingleInstanceLock: () => false, quit: vi.fn() });
    expect(claimSingleInstance(app as never, vi.fn())).toBe(false);
    expect(app.quit).toHaveBeenCalledOnce();
  });

  it('with the lock: a second launch focuses the first window', () => {
    const app = Object.assign(new EventEmitter(), { requestSingleInstanceLock: () => true, quit: vi.fn() });
    const focus = vi.fn();
    expect(claimSingleInstance(app as never, focus)).toBe(true);
    app.emit('second-instance', {}, ['digit-studio'], '/');
    expect(focus).toHaveBeenCalledOnce();
    expect(app.quit).not.toHaveBeenCalled();
  });

  it('focusing restores a minimised window and leaves a closed one alone', () => {
    const window = { isDestroyed: () => false, isMinimized: () => true, restore: vi.fn(), show: vi.fn(), focus: vi.fn() };
    focusWindow(window);
    expect([window.restore, window.show, window.focus].map((f) => f.mock.calls.length)).toEqual([1, 1, 1]);
    expect(() => focusWindow(null)).not.toThrow();
  });
});
