import type { Response } from 'express';
import { pipeToResponse } from '../common/file-out';
import { contentDisposition } from '../common/file-names';
import type { MaterialDownload } from './materials.service';

/** A material's bytes as an attachment under its original (Vietnamese) name, for the page and the API alike. */
export function sendMaterial(res: Response, { material, stream }: MaterialDownload): void {
  res
    .set('Content-Type', material.contentType)
    .set('Content-Length', material.size)
    .set('Content-Disposition', contentDisposition(material.originalName))
    .set('Cache-Control', 'private, no-store');
  pipeToResponse(stream, res);
}
