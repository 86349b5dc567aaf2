import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture, createTopicFixture } from './support/fixtures';
import { csrfToken, login } from './support/http';
import { pdfBytes } from './support/sessions';
import { binaryParser, readZip } from './support/zip';
import { User } from '../src/users/user.entity';
import { StorageService } from '../src/storage/storage.service';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const BUCKET = 'taphuan-test';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** A real S3-compatible server (s3rver) in its own process. */
async function startS3rver(dir: string): Promise<{ proc: ChildProcess; endpoint: string }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [require.resolve('s3rver/bin/s3rver.js'), '-d', dir, '-a', '127.0.0.1', '-p', String(port), '--configure-bucket', BUCKET], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('s3rver did not start')), 20000);
    proc.stdout!.on('data', (d: Buffer) => {
      if (/listening|started/i.test(d.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.on('exit', (code) => reject(new Error(`s3rver exited ${code}`)));
  });
  return { proc, endpoint: `http://127.0.0.1:${port}` };
}

describe('materials on S3-compatible storage (s3rver process)', () => {
  let t: TestApp;
  let s3: { proc: ChildProcess; endpoint: string };
  let dir: string;
  let client: S3Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'taphuan-s3rver-'));
    s3 = await startS3rver(dir);
    t = await bootApp({ S3_BUCKET: BUCKET, S3_ENDPOINT: s3.endpoint, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_FORCE_PATH_STYLE: 'true' });
    client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  });
  afterAll(async () => {
    client?.destroy();
    await t?.close();
    s3?.proc.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses the S3 driver, stores the upload as an object, and serves it back in downloads and the offline ZIP', async () => {
    expect(t.app.get(StorageService).driver).toBe('s3');
    const organiser = await createUser(t, 'organiser');
    const lecturer = await createUser(t, 'lecturer');
    const fx = await createSessionFixture(t, { title: 'Lớp lưu trên S3' });
    const topic = await createTopicFixture(t, fx.session.id, { title: 'Chuyên đề S3', sittingId: fx.sittings[0].id, startTime: '07:30:00', endTime: '09:00:00', lecturers: [lecturer.user as User] });
    const lec = t.agent();
    await login(lec, lecturer.login, lecturer.password);
    const bytes = Buffer.concat([pdfBytes('S3'), Buffer.alloc(200_000, 0x41)]);
    const res = await lec.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', await csrfToken(lec)).field('title', 'Đề cương').attach('file', bytes, 'Đề cương.pdf');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: 'Đề cương', originalName: 'Đề cương.pdf', size: bytes.length, sha256: sha(bytes), version: 1 });
    const [row] = await t.query<{ storage_key: string }>(`SELECT storage_key FROM materials WHERE id = $1`, [res.body.id]);
    expect(row.storage_key).toBe(`materials/${fx.session.id}/${res.body.id}`);

    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: row.storage_key }));
    expect(Number(head.ContentLength)).toBe(bytes.length);
    expect(head.ContentType).toBe('application/pdf');
    const obj = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: row.storage_key }));
    expect(sha(Buffer.from(await obj.Body!.transformToByteArray()))).toBe(sha(bytes));

    const org = t.agent();
    await login(org, organiser.login, organiser.password);
    const dl = await org.get(`/api/v1/materials/${res.body.id}/download`).buffer(true).parse(binaryParser).expect(200);
    expect(sha(dl.body as Buffer)).toBe(sha(bytes));
    expect(dl.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('Đề cương.pdf')}`);

    const zip = await org.get(`/sessions/${fx.session.id}/offline.zip`).buffer(true).parse(binaryParser).expect(200);
    const entries = await readZip(zip.body as Buffer);
    const entry = entries.find((e) => e.name.endsWith('/Đề cương.pdf'))!;
    expect(entry.sha256).toBe(sha(bytes));
  });

  it('stores nothing in the bucket when the type is refused', async () => {
    const lecturer = await createUser(t, 'lecturer');
    const fx = await createSessionFixture(t, { title: 'Lớp S3 thứ hai', startDate: '2025-10-01' });
    const topic = await createTopicFixture(t, fx.session.id, { lecturers: [lecturer.user as User] });
    const lec = t.agent();
    await login(lec, lecturer.login, lecturer.password);
    const count = async () => (await client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount ?? 0;
    const before = await count();
    expect(before).toBe(1);
    const res = await lec.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', await csrfToken(lec)).attach('file', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300)]), 'virus.pdf');
    expect(res.status).toBe(415);
    expect(await count()).toBe(before);
    expect(await t.query(`SELECT 1 FROM materials WHERE topic_id = $1`, [topic.id])).toHaveLength(0);
  });

  it('answers 503 with a message when the storage server is down, and keeps nothing half-written', async () => {
    const lecturer = await createUser(t, 'lecturer');
    const fx = await createSessionFixture(t, { title: 'Lớp S3 khi kho ngừng', startDate: '2025-10-05' });
    const topic = await createTopicFixture(t, fx.session.id, { lecturers: [lecturer.user as User] });
    const lec = t.agent();
    await login(lec, lecturer.login, lecturer.password);
    const token = await csrfToken(lec);
    s3.proc.kill();
    await new Promise((r) => s3.proc.once('exit', r));
    const res = await lec.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', token).attach('file', pdfBytes('down'), 'Khi kho ngừng.pdf');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body.message).toBe('Kho lưu trữ tệp tạm thời không kết nối được. Vui lòng thử lại sau ít phút.');
    expect(await t.query(`SELECT 1 FROM materials WHERE topic_id = $1`, [topic.id])).toHaveLength(0);
  });
});
