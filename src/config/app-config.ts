import { resolve } from 'node:path';

/** Validated configuration of the app, read once from the environment. */
export interface AppConfig {
  port: number;
  host: string;
  /** Set when an external PostgreSQL is used; otherwise the embedded PGlite runs. */
  databaseUrl?: string;
  dataDir: string;
  sessionSecret: string;
  adminEmail: string;
  adminPassword?: string;
  seedDemo: boolean;
  publicUrl: string;
  trustProxy: boolean;
  logLevel: string;
  maxUploadBytes: number;
  smtpUrl?: string;
  mailFrom: string;
  s3?: { endpoint?: string; region: string; bucket: string; accessKeyId: string; secretAccessKey: string; forcePathStyle: boolean };
  checkin: { lateGraceMinutes: number; windowBeforeMinutes: number; windowAfterMinutes: number };
  loginRateLimit: { limit: number; ttlSeconds: number };
  /** Sign-in and activation attempts per client address, whatever the login name (a venue shares one NAT address). */
  loginAddressRateLimit: { limit: number; ttlSeconds: number };
  verifyRateLimit: { limit: number; ttlSeconds: number };
  runJobs: boolean;
  /** Connections this instance keeps to PostgreSQL (the embedded database always uses one). */
  dbPoolSize: number;
  /** How often the job queue fails and retries jobs past their expiry (a worker killed mid-job), among other upkeep. */
  jobsMaintenanceSeconds: number;
  /** Bulk certificate runs: enrolments per batch (one transaction, one job), and seconds before a batch whose worker died is retried. */
  certificateRun: { batchSize: number; batchExpireSeconds: number };
}

export class ConfigError extends Error {}

const bool = (name: string, value: string | undefined, dflt: boolean): boolean => {
  if (value === undefined || value === '') return dflt;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
};

const int = (name: string, value: string | undefined, dflt: number, min: number, max: number): number => {
  if (value === undefined || value === '') return dflt;
  if (!/^\d+$/.test(value.trim())) throw new ConfigError(`${name} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
};

const url = (name: string, value: string | undefined, protocols: string[]): string | undefined => {
  if (value === undefined || value === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => p + '//').join(' or ')}`);
  }
  if (protocols[0].startsWith('postgres') && !parsed.hostname) throw new ConfigError(`${name} has no host`);
  return value;
};

/** Reads and validates the environment. Throws ConfigError with one clear line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = int('PORT', env.PORT, 3000, 0, 65535);
  const dataDir = resolve(env.DATA_DIR || './data');
  const databaseUrl = url('DATABASE_URL', env.DATABASE_URL, ['postgres:', 'postgresql:']);
  const adminEmail = (env.ADMIN_EMAIL || 'admin@localhost').trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(adminEmail)) throw new ConfigError(`ADMIN_EMAIL is not an email address: "${adminEmail}"`);
  if (env.ADMIN_PASSWORD !== undefined && env.ADMIN_PASSWORD !== '' && env.ADMIN_PASSWORD.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD must have at least 8 characters');
  }
  const s3Bucket = env.S3_BUCKET;
  const publicUrl = url('PUBLIC_URL', env.PUBLIC_URL, ['http:', 'https:']) ?? `http://localhost:${port || 3000}`;
  return {
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir,
    sessionSecret: env.SESSION_SECRET || '',
    adminEmail,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    // The demo course (and its accounts with a published password) by default only on the embedded database of
    // a first try; a real PostgreSQL (DATABASE_URL) is a deployment, where SEED_DEMO=true asks for it.
    seedDemo: bool('SEED_DEMO', env.SEED_DEMO, !databaseUrl),
    publicUrl: publicUrl.replace(/\/+$/, ''),
    trustProxy: bool('TRUST_PROXY', env.TRUST_PROXY, false),
    logLevel: env.LOG_LEVEL || 'info',
    dbPoolSize: int('DB_POOL_SIZE', env.DB_POOL_SIZE, 20, 1, 500),
    maxUploadBytes: int('MAX_UPLOAD_MB', env.MAX_UPLOAD_MB, 50, 1, 2048) * 1024 * 1024,
    smtpUrl: url('SMTP_URL', env.SMTP_URL, ['smtp:', 'smtps:']),
    mailFrom: env.MAIL_FROM || 'Tập huấn <no-reply@localhost>',
    s3: s3Bucket
      ? {
          endpoint: url('S3_ENDPOINT', env.S3_ENDPOINT, ['http:', 'https:']),
          region: env.S3_REGION || 'us-east-1',
          bucket: s3Bucket,
          accessKeyId: env.S3_ACCESS_KEY_ID || '',
          secretAccessKey: env.S3_SECRET_ACCESS_KEY || '',
          forcePathStyle: bool('S3_FORCE_PATH_STYLE', env.S3_FORCE_PATH_STYLE, true),
        }
      : undefined,
    checkin: {
      lateGraceMinutes: int('CHECKIN_LATE_GRACE_MINUTES', env.CHECKIN_LATE_GRACE_MINUTES, 15, 0, 600),
      windowBeforeMinutes: int('CHECKIN_WINDOW_BEFORE_MINUTES', env.CHECKIN_WINDOW_BEFORE_MINUTES, 60, 0, 1440),
      windowAfterMinutes: int('CHECKIN_WINDOW_AFTER_MINUTES', env.CHECKIN_WINDOW_AFTER_MINUTES, 30, 0, 1440),
    },
    loginRateLimit: {
      limit: int('LOGIN_RATE_LIMIT', env.LOGIN_RATE_LIMIT, 10, 1, 10000),
      ttlSeconds: int('LOGIN_RATE_WINDOW_SECONDS', env.LOGIN_RATE_WINDOW_SECONDS, 300, 1, 86400),
    },
    loginAddressRateLimit: {
      limit: int('LOGIN_ADDRESS_RATE_LIMIT', env.LOGIN_ADDRESS_RATE_LIMIT, 1000, 1, 1000000),
      ttlSeconds: int('LOGIN_ADDRESS_RATE_WINDOW_SECONDS', env.LOGIN_ADDRESS_RATE_WINDOW_SECONDS, 600, 1, 86400),
    },
    verifyRateLimit: {
      limit: int('VERIFY_RATE_LIMIT', env.VERIFY_RATE_LIMIT, 30, 1, 100000),
      ttlSeconds: int('VERIFY_RATE_WINDOW_SECONDS', env.VERIFY_RATE_WINDOW_SECONDS, 60, 1, 86400),
    },
    runJobs: bool('RUN_JOBS', env.RUN_JOBS, true),
    jobsMaintenanceSeconds: int('JOBS_MAINTENANCE_SECONDS', env.JOBS_MAINTENANCE_SECONDS, 30, 1, 3600),
    certificateRun: {
      batchSize: int('CERTIFICATE_RUN_BATCH_SIZE', env.CERTIFICATE_RUN_BATCH_SIZE, 25, 1, 1000),
      batchExpireSeconds: int('CERTIFICATE_RUN_BATCH_EXPIRE_SECONDS', env.CERTIFICATE_RUN_BATCH_EXPIRE_SECONDS, 30, 1, 3600),
    },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
