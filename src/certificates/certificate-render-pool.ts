import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CertificateContent } from './certificate.entity';
import { renderCertificatePdf } from './certificate-pdf';

interface Pending {
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

/**
 * Renders certificate PDFs on worker threads (one per core), each with its
 * own parsed fonts. When the compiled worker file is not there (ts-jest,
 * ts-node) it renders in this thread instead: same output, less speed.
 */
export class CertificateRenderPool {
  private workers: { w: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private readonly workerFile = join(__dirname, 'certificate-render.worker.js');
  readonly threaded: boolean;

  constructor(private readonly size = Math.max(1, availableParallelism())) {
    this.threaded = existsSync(this.workerFile) && size > 0;
  }

  /** How many renders to keep in flight to keep every worker busy. */
  get parallelism(): number {
    return this.threaded ? this.size * 2 : 1;
  }

  render(content: CertificateContent, logo?: Buffer | null): Promise<Buffer> {
    if (!this.threaded) return renderCertificatePdf(content, logo ? { data: logo } : null);
    const slot = this.pick();
    const id = ++this.seq;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (slot.busy++ === 0) slot.w.ref(); // keep the process alive while a render is pending
      slot.w.postMessage({ id, content, logo: logo ? new Uint8Array(logo) : null });
    });
  }

  private pick(): { w: Worker; busy: number } {
    if (this.workers.length < this.size) {
      // A bounded heap makes the worker collect garbage early: memory stays flat over long runs.
      const w = new Worker(this.workerFile, { resourceLimits: { maxOldGenerationSizeMb: 128 } });
      const slot = { w, busy: 0 };
      w.on('message', (m: { id: number; pdf?: Uint8Array; error?: string }) => {
        if (--slot.busy === 0) slot.w.unref(); // an idle pool does not hold the process open
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.pdf) p.resolve(Buffer.from(m.pdf.buffer, m.pdf.byteOffset, m.pdf.byteLength));
        else p.reject(new Error(m.error ?? 'render failed'));
      });
      w.on('error', (e) => this.failAll(e));
      w.unref();
      this.workers.push(slot);
      return slot;
    }
    return this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    const old = this.workers;
    this.workers = [];
    for (const s of old) void s.w.terminate();
  }

  async close(): Promise<void> {
    const old = this.workers;
    this.workers = [];
    await Promise.all(old.map((s) => s.w.terminate()));
  }
}
