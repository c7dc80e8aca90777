import { HttpErrorResponse } from '@angular/common/http';

/** A sentence for the user out of whatever an HTTP call failed with (`{error}` bodies first). */
export function errorMessage(error: unknown): string {
  if (error instanceof HttpErrorResponse) {
    const body = error.error as { error?: unknown } | null;
    if (body && typeof body.error === 'string') return body.error;
    if (error.status === 0) return 'The server cannot be reached.';
    return `${error.status} ${error.statusText}`.trim();
  }
  return error instanceof Error ? error.message : String(error);
}
