import type { Response } from 'express';
import { pipeline, type Readable, type Writable } from 'node:stream';
import { contentDisposition } from './file-names';

/** A generated file: written straight to the response (large exports stream). */
export interface FileOut {
  filename: string;
  contentType: string;
  write(out: Writable): Promise<void>;
}

export async function sendFile(res: Response, file: FileOut): Promise<void> {
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Disposition', contentDisposition(file.filename));
  res.setHeader('Cache-Control', 'private, no-store');
  await file.write(res);
}

/** Resolves when a PDFKit document (or any stream) has been fully written to `out`. */
export function finished(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    out.once('finish', () => resolve());
    out.once('error', reject);
  });
}

/**
 * Streams a file to the response. A client that goes away halfway (a phone losing its signal) destroys the
 * source, so no file stays open; a source that fails after the headers are out aborts the response.
 */
export function pipeToResponse(stream: Readable, res: Response): void {
  pipeline(stream, res, () => undefined);
}
