import { describe, expect, it, vi } from 'vitest';
import { restoreBounds, trackWindowState, type TrackedWindow, type WindowBounds } from './window-state.ts';

const primary = { x: 0, y: 0, width: 1920, height: 1080 };
const right = { x: 1920, y: 0, width: 2560, height: 1440 };

describe('window state', () => {
  it('restores a window where it was when that place is still on a screen', () => {
    const saved: WindowBounds = { x: 2000, y: 100, width: 1400, height: 900, maximized: false };
    expect(restoreBounds(saved, [primary, right])).toEqual(saved);
  });

  it('drops the position when its monitor is gone, and shrinks it to the primary screen', () => {
    const saved: WindowBounds = { x: 2000, y: 100, width: 2400, height: 1300, maximized: true };
    expect(restoreBounds(saved, [primary])).toEqual({ width: 1920, height: 1080, maximized: true });
    // Title bar above the top of the screen: unreachable, so no position either.
    expect(restoreBounds({ x: 100, y: -500, width: 1000, height: 700, maximized: false }, [primary])).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it('saves bounds shortly after a move or resize and at once on close', () => {
    vi.useFakeTimers();
    try {
      const listeners = new Map<string, () => void>();
      let bounds = { x: 10, y: 20, width: 1200, height: 800 };
      const win: TrackedWindow = {
        getNormalBounds: () => bounds,
        isMaximized: () => false,
        isDestroyed: () => false,
        on: (event, l) => listeners.set(event, l),
      };
      const save = vi.fn();
      trackWindowState(win, save, 500);
      listeners.get('resize')!();
      bounds = { ...bounds, width: 1300 };
      listeners.get('resize')!();
      expect(save).not.toHaveBeenCalled();
      vi.advanceTimersByTime(500);
      expect(save).toHaveBeenCalledTimes(1);
      expect(save).toHaveBeenLastCalledWith({ x: 10, y: 20, width: 1300, height: 800, maximized: false });
      bounds = { ...bounds, x: 50 };
      listeners.get('move')!();
      listeners.get('close')!();
      expect(save).toHaveBeenCalledTimes(2);
      expect(save).toHaveBeenLastCalledWith({ x: 50, y: 20, width: 1300, height: 800, maximized: false });
      vi.advanceTimersByTime(1000);
      expect(save).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
