import type { Readable } from 'node:stream';

export interface StoredObjectInfo {
  size: number;
}

/**
 * Where files (materials, generated documents) live. Keys are chosen by the
 * app (`materials/<session>/<uuid>`), never taken from a user's file name.
 * Drivers: local disk under DATA_DIR/files (default) and S3-compatible storage.
 */
export abstract class StorageService {
  /** Driver name for logs and the health of the setup ('local' or 's3'). */
  abstract readonly driver: 'local' | 's3';

  /** Stores the file at `sourcePath` (a finished temporary file) under `key`. */
  abstract putFile(key: string, sourcePath: string, opts: { size: number; contentType: string }): Promise<void>;

  /** A stream of the stored bytes; throws StorageNotFoundError when missing. */
  abstract open(key: string): Promise<Readable>;

  abstract stat(key: string): Promise<StoredObjectInfo | null>;

  abstract delete(key: string): Promise<void>;
}

/** The storage server cannot be reached (down, refusing, timing out): the caller may try again later. */
export class StorageUnavailableError extends Error {}

export class StorageNotFoundError extends Error {
  constructor(key: string) {
    super(`Stored file not found: ${key}`);
  }
}

/** Keys are app-made: lower-case letters, digits, dashes, dots and slashes, no "..". */
export function assertSafeKey(key: string): void {
  if (!/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/.test(key) || key.includes('..')) {
    throw new Error(`Unsafe storage key: ${key}`);
  }
}
