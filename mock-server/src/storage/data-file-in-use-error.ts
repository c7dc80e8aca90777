/**
 * The sqlite file is held by another process (another mock server instance, as a rule): each
 * instance needs a file of its own, since two writing one file would give out the same seqs. The
 * CLI prints the message with the fix and exits 2, without a stack trace.
 *
 * @example
 * ```ts
 * if (error instanceof DataFileInUseError) console.error(`mock-server: ${error.message}`);
 * ```
 */
export class DataFileInUseError extends Error {
  constructor(readonly path: string) {
    super(`the data file ${path} is in use by another running instance`);
  }
}

/**
 * Whether an error is sqlite saying the file is locked by someone else.
 *
 * @example
 * ```ts
 * if (isLockedError(error)) throw new DataFileInUseError(path);
 * ```
 */
export function isLockedError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
