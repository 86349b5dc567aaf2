import { parentPort } from 'node:worker_threads';
import type { CertificateContent } from './certificate.entity';
import { renderCertificatePdf } from './certificate-pdf';

/** Worker thread: renders certificates; the fonts are parsed once per worker (module cache). */
interface RenderMessage {
  id: number;
  content: CertificateContent;
  logo: Uint8Array | null;
}

parentPort?.on('message', (msg: RenderMessage) => {
  renderCertificatePdf(msg.content, msg.logo ? { data: msg.logo } : null).then(
    (pdf) => {
      const out = new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
      parentPort!.postMessage({ id: msg.id, pdf: out }, [out.buffer as ArrayBuffer]);
    },
    (e: Error) => parentPort!.postMessage({ id: msg.id, error: e.message }),
  );
});
