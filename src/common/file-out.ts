import type { Response } from 'express';
import { pipeline, type Readable, type Writable } from 'node:stream';
import { contentDisposition } from './file-names';

/** A generated file: written straight to the response (large exports stream). */
export interface FileOut {
  filename: string;
  contentType: string;
  write(out: Writable): Promise<void>;
}

/** A file made whole in memory (a report, a booklet, a certificate). */
export interface FileInMemory {
  name: string;
  contentType: string;
  body: Buffer;
}

/** The headers of a download: its type, its name (UTF-8 with an ASCII stand-in), and no caching anywhere. */
function fileHeaders(res: Response, name: string, contentType: string, disposition: 'attachment' | 'inline'): void {
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Disposition', contentDisposition(name, disposition));
  res.setHeader('Cache-Control', 'private, no-store');
}

export async function sendFile(res: Response, file: FileOut): Promise<void> {
  fileHeaders(res, file.filename, file.contentType, 'attachment');
  await file.write(res);
}

export function sendBuffer(res: Response, file: FileInMemory, disposition: 'attachment' | 'inline' = 'attachment'): void {
  fileHeaders(res, file.name, file.contentType, disposition);
  res.send(file.body);
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
