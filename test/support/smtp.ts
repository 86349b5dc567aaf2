import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, ParsedMail } from 'mailparser';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The smtp-server package running in a child process, as an outside mail server would. */
export class SmtpSink {
  readonly dir = mkdtempSync(join(tmpdir(), 'taphuan-smtp-'));
  private child?: ChildProcess;

  constructor(readonly port: number) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [join(__dirname, 'smtp-sink.js'), String(this.port), this.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
      child.on('exit', (code) => reject(new Error(`smtp sink exited (${code})`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.removeAllListeners('exit');
      child.on('exit', () => resolve());
      child.kill('SIGTERM');
    });
    this.child = undefined;
  }

  /** Every message received so far, parsed. */
  async messages(): Promise<ParsedMail[]> {
    const files = readdirSync(this.dir).filter((f) => f.endsWith('.eml')).sort();
    return Promise.all(files.map((f) => simpleParser(readFileSync(join(this.dir, f)))));
  }
}
