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
    form?: { errors: Record<string, string[]>; input: Record<string, unknown> };
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

/** The values ticked for a field of checkboxes in a rejected form (kept in res.locals.form), to tick them again; undefined when no form was rejected. */
export function keptChoices(res: Response, field: string): string[] | undefined {
  const form = res.locals.form as { input?: Record<string, unknown> } | undefined;
  if (!form?.input) return undefined;
  const v = form.input[field];
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}
