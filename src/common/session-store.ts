import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type { Pool } from 'pg';

/** A session's life when its cookie has no expiry (connect-pg-simple's default). */
const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

/** How often a signed-in user's session expiry is pushed forward in the database (rolling sessions). */
export const SESSION_TOUCH_INTERVAL_MS = 5 * 60 * 1000;

/**
 * The PostgreSQL session store (connect-pg-simple), with its "touch" (the rolling expiry, an UPDATE
 * on every signed-in request) done at most once per SESSION_TOUCH_INTERVAL_MS per session by this
 * instance: a venue's phones and pages then cost a read, not a committed write, per request. The
 * stored expiry lags the cookie's by at most that interval, nothing against a 12-hour session.
 */
export function createSessionStore(pool: Pool): session.Store {
  const PgStore = connectPgSimple(session);
  class ThrottledTouchStore extends PgStore {
    private readonly touchedAt = new Map<string, number>();

    override touch(sid: string, sess: session.SessionData, fn?: (err?: unknown) => void): void {
      const now = Date.now();
      const last = this.touchedAt.get(sid);
      if (last !== undefined && now - last < SESSION_TOUCH_INTERVAL_MS) {
        fn?.(null);
        return;
      }
      this.remember(sid, now);
      super.touch(sid, sess, fn);
    }

    /**
     * A new session is inserted; a session read from the store is only ever updated, so that one ended while a
     * request of it was still running (signed out, or every other session of the account ended by a password
     * change) is not written back by that request's save: its row stays gone, and its cookie signs nobody in.
     */
    override set(sid: string, sess: session.SessionData, fn?: (err?: unknown) => void): void {
      this.remember(sid, Date.now()); // a save writes the expiry too
      if (!sess.stored) {
        sess.stored = true;
        super.set(sid, sess, fn);
        return;
      }
      const expires = sess.cookie?.expires ? new Date(sess.cookie.expires).getTime() : Date.now() + DEFAULT_TTL_MS;
      pool.query(`UPDATE http_sessions SET sess = $1, expire = to_timestamp($2) WHERE sid = $3`, [sess, Math.ceil(expires / 1000), sid]).then(
        () => fn?.(),
        (e: unknown) => fn?.(e),
      );
    }

    private remember(sid: string, now: number): void {
      this.touchedAt.set(sid, now);
      if (this.touchedAt.size > 50_000) for (const [k, at] of this.touchedAt) if (now - at >= SESSION_TOUCH_INTERVAL_MS) this.touchedAt.delete(k);
    }

    override destroy(sid: string, fn?: (err?: unknown) => void): void {
      this.touchedAt.delete(sid);
      super.destroy(sid, fn);
    }
  }
  return new ThrottledTouchStore({ pool, tableName: 'http_sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 });
}
