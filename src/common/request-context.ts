import type { Request, Response } from 'express';
import type { Role } from '../users/user.entity';

/** The signed-in user as the request sees it. */
export interface AuthUser {
  id: string;
  email: string | null;
  phone: string | null;
  fullName: string;
  role: Role;
  traineeId: string | null;
}

export interface FlashMessage {
  type: 'success' | 'error' | 'info';
  text: string;
}

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    /** Set once the session has been written to the store: from then on it is updated, never inserted again. */
    stored?: true;
    flash?: FlashMessage[];
    /** Field errors and input of the last rejected form, shown once. */
    form?: KeptForm;
    /** What was typed in a form posted after the sign-in expired, for its page once the user signs in again. */
    pendingForm?: { path: string; input: Record<string, unknown> };
  }
}

export type AppRequest = Request & { user?: AuthUser; authVia?: 'session' | 'token' };

/** True for API calls (JSON in and out) as opposed to pages. */
export function isApiRequest(req: Request): boolean {
  return req.path.startsWith('/api/') || req.path === '/health' || req.path.endsWith('.json');
}

export function flash(req: Request, type: FlashMessage['type'], text: string): void {
  if (!req.session) return;
  (req.session.flash ??= []).push({ type, text });
}

/** A rejected form: its field errors, what was typed, and the path it was posted to. */
export interface KeptForm {
  errors: Record<string, string[]>;
  input: Record<string, unknown>;
  action?: string;
}

/**
 * The rejected form kept for this page (res.locals.form) when it was posted to `action`, else undefined:
 * a page with two forms (a topic's upload form and its edit form) refills only the one that was sent.
 */
export function keptFormFor(res: Response, action: string): KeptForm | undefined {
  const form = res.locals.form as KeptForm | undefined;
  return form?.action === action ? form : undefined;
}

/**
 * The values ticked for a field of checkboxes in a rejected form (kept in res.locals.form; with `action`, only
 * a form posted there), to tick them again; undefined when no such form was rejected.
 */
export function keptChoices(res: Response, field: string, action?: string): string[] | undefined {
  const form = action ? keptFormFor(res, action) : (res.locals.form as KeptForm | undefined);
  if (!form?.input) return undefined;
  const v = form.input[field];
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}
