import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { assertSafeKey, StorageNotFoundError, StorageService, StorageUnavailableError, StoredObjectInfo } from './storage.service';

export interface S3StorageOptions {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

const isNotFound = (e: unknown): boolean => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404;
};

/** A network failure (no HTTP answer at all) becomes StorageUnavailableError: a 503, not a 500. */
const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH'];
function unreachable(e: unknown): Error {
  const err = e as { code?: string; name?: string; message?: string; cause?: { code?: string }; $metadata?: { httpStatusCode?: number } };
  // The SDK may wrap the socket error ("AWS SDK error wrapper for Error: connect ECONNREFUSED …"), keeping only its message.
  const code = err?.code ?? err?.cause?.code ?? NETWORK_CODES.find((c) => err?.message?.includes(c)) ?? '';
  if (!err?.$metadata?.httpStatusCode && (NETWORK_CODES.includes(code) || err?.name === 'TimeoutError')) {
    return new StorageUnavailableError(`S3 storage unreachable: ${err.message ?? err.code}`);
  }
  return e as Error;
}

/** S3-compatible object storage (AWS, MinIO, Ceph, s3rver...). Uploads are streamed from the temporary file. */
export class S3Storage extends StorageService {
  readonly driver = 's3' as const;
  private readonly client: S3Client;

  constructor(private readonly opts: S3StorageOptions) {
    super();
    this.client = new S3Client({
      endpoint: opts.endpoint,
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      credentials: opts.accessKeyId ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } : undefined,
      // Some S3-compatible servers do not understand the newer default checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async putFile(key: string, sourcePath: string, o: { size: number; contentType: string }): Promise<void> {
    assertSafeKey(key);
    await this.client
      .send(new PutObjectCommand({ Bucket: this.opts.bucket, Key: key, Body: createReadStream(sourcePath), ContentLength: o.size, ContentType: o.contentType }))
      .catch((e) => {
        throw unreachable(e);
      });
  }

  async open(key: string): Promise<Readable> {
    assertSafeKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: key }));
      return res.Body as Readable;
    } catch (e) {
      if (isNotFound(e)) throw new StorageNotFoundError(key);
      throw unreachable(e);
    }
  }

  async stat(key: string): Promise<StoredObjectInfo | null> {
    assertSafeKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: key }));
      return { size: Number(res.ContentLength ?? 0) };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw unreachable(e);
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: key })).catch((e) => {
      throw unreachable(e);
    });
  }

  destroy(): void {
    this.client.destroy();
  }
}
