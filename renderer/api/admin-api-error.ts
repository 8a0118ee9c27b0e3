/**
 * Errors from the AdminApi as the UI shows them: a code and words for the admin. Electron wraps
 * errors thrown in main ("Error invoking remote method 'sigmatiq:x': Error: …"), so we strip that
 * wrapper to show the cluster's own message.
 */
export class AdminApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'AdminApiError';
    this.code = code;
  }
}

const IPC_WRAPPER = /^Error invoking remote method '[^']+': (?:\w*Error: )?/;

/** The message to show for anything thrown by an AdminApi call. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.replace(IPC_WRAPPER, '') || error.name;
  if (typeof error === 'string') return error;
  return 'Something went wrong, and the error carried no message.';
}
