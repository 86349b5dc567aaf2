import type { Response } from 'supertest';
import request from 'supertest';

type Agent = ReturnType<typeof request.agent>;

/** The CSRF token of the first form (or the csrf-token meta tag) in a page. */
export function csrfFrom(html: string): string {
  const m = html.match(/name="_csrf" value="([^"]+)"/) ?? html.match(/<meta name="csrf-token" content="([^"]+)"/);
  if (!m) throw new Error('no CSRF token in page');
  return m[1];
}

/** Opens a page, reads its CSRF token and posts the form as a browser would. */
export async function submitForm(agent: Agent, pageUrl: string, action: string, fields: Record<string, string | string[]>): Promise<Response> {
  const page = await agent.get(pageUrl).expect(200);
  return agent
    .post(action)
    .set('Referer', pageUrl)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(page.text) });
}

/** Signs in through the login page; fails the test if it does not land on a signed-in page. */
export async function login(agent: Agent, loginName: string, password: string): Promise<Response> {
  const res = await submitForm(agent, '/login', '/login', { login: loginName, password });
  if (res.status !== 303 || res.headers.location?.startsWith('/login')) {
    throw new Error(`login failed for ${loginName}: ${res.status} ${res.headers.location}`);
  }
  return res;
}

/** A CSRF token for JSON calls made with the session cookie. */
export async function csrfToken(agent: Agent, pageUrl = '/account'): Promise<string> {
  const page = await agent.get(pageUrl).expect(200);
  return csrfFrom(page.text);
}

/** Text of a page with tags removed and whitespace collapsed, for content assertions. */
export function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<\/?(strong|em|b|i|span|a|small|abbr|code)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();
}

/** supertest parser that keeps a binary body (XLSX, PDF, ZIP, SVG) as a Buffer: `.buffer(true).parse(binary)`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function binary(res: any, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
