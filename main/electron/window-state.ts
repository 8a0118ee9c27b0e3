/**
 * Window state remembered between runs: position, size, maximised. Restored only where it is still
 * visible (a monitor may have been unplugged since), otherwise the window opens centred at its size.
 */
import { z } from 'zod';

export const WindowBounds = z.object({
  x: z.int().optional(),
  y: z.int().optional(),
  width: z.int().min(400).max(20_000),
  height: z.int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowBounds = z.infer<typeof WindowBounds>;

export const DEFAULT_WINDOW_BOUNDS: WindowBounds = { width: 1440, height: 900, maximized: false };

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pixels of the title bar that must be on a screen for the window to count as reachable. */
const MIN_VISIBLE = 64;

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * The bounds to open with, given the displays' work areas: saved bounds when enough of the window
 * is on a display, otherwise the saved size (shrunk to the primary display) without a position.
 */
export function restoreBounds(saved: WindowBounds, workAreas: readonly Rect[]): WindowBounds {
  const primary = workAreas[0];
  const fitSize = (b: WindowBounds): WindowBounds =>
    primary ? { ...b, width: Math.min(b.width, primary.width), height: Math.min(b.height, primary.height) } : b;
  if (saved.x === undefined || saved.y === undefined) return fitSize(saved);
  const rect = { x: saved.x, y: saved.y, width: saved.width, height: saved.height };
  const visible = workAreas.some((area) => {
    const o = overlap(rect, area);
    return o.width >= MIN_VISIBLE && o.height >= MIN_VISIBLE && saved.y! >= area.y - 8;
  });
  if (visible) return saved;
  const { x: _x, y: _y, ...size } = saved;
  return fitSize(size);
}

/** Minimal window surface the tracker reads. */
export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize' | 'move' | 'close' | 'maximize' | 'unmaximize', listener: () => void): unknown;
}

/** Saves the window's bounds shortly after it moves or resizes, and at once when it closes. */
export function trackWindowState(window: TrackedWindow, save: (bounds: WindowBounds) => void, delayMs = 500): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const capture = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (window.isDestroyed()) return;
    const b = window.getNormalBounds();
    const parsed = WindowBounds.safeParse({ ...b, maximized: window.isMaximized() });
    if (parsed.success) save(parsed.data);
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(capture, delayMs);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('maximize', later);
  window.on('unmaximize', later);
  window.on('close', capture);
}
