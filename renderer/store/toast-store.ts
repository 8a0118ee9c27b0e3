/**
 * Feedback for actions: each action shows a toast that goes pending → success or failure with the
 * cluster's message. Successes fade after a few seconds; failures stay until dismissed.
 */
import { create } from 'zustand';
import { errorMessage } from '../api/admin-api-error.ts';

export type ToastStatus = 'pending' | 'success' | 'failure';
export interface Toast {
  id: number;
  status: ToastStatus;
  title: string;
  message?: string;
}

interface ToastState {
  toasts: Toast[];
  push(toast: Omit<Toast, 'id'>): number;
  update(id: number, patch: Partial<Omit<Toast, 'id'>>): void;
  dismiss(id: number): void;
}

const SUCCESS_VISIBLE_MS = 4000;
let nextId = 1;

/** The toast list. */
export const useToastStore = create<ToastState>()((set, get) => ({
  toasts: [],
  push: (toast) => {
    const id = nextId++;
    set((s) => ({ toasts: [...s.toasts.slice(-4), { ...toast, id }] }));
    if (toast.status === 'success') setTimeout(() => get().dismiss(id), SUCCESS_VISIBLE_MS);
    return id;
  },
  update: (id, patch) => {
    set((s) => ({ toasts: s.toasts.map((t) => (t.id === id ? { ...t, ...patch } : t)) }));
    if (patch.status === 'success') setTimeout(() => get().dismiss(id), SUCCESS_VISIBLE_MS);
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

/**
 * Runs an action with toast feedback. `work` returns the success message, or throws; a thrown
 * error's message (the cluster's words) becomes the failure message. Resolves to whether it worked.
 */
export async function runWithFeedback(title: string, work: () => Promise<string | undefined>): Promise<boolean> {
  const { push, update } = useToastStore.getState();
  const id = push({ status: 'pending', title });
  try {
    const message = await work();
    update(id, { status: 'success', message });
    return true;
  } catch (error) {
    update(id, { status: 'failure', message: errorMessage(error) });
    return false;
  }
}
