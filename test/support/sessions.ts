import request from 'supertest';
import { csrfToken } from './http';

type Agent = ReturnType<typeof request.agent>;

/** A small valid PDF-looking file (file-type detects PDF from the "%PDF-" header). */
export function pdfBytes(text = 'tài liệu'): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'utf8');
}

/** Uploads a material through the topic page form (multipart, CSRF token in the query string). */
export async function uploadMaterial(agent: Agent, sessionId: string, topicId: string, file: Buffer, filename: string, fields: Record<string, string> = {}) {
  const token = await csrfToken(agent, `/sessions/${sessionId}/topics/${topicId}`);
  // From the topic's page, as a browser sends it (the Referer is where a refused upload goes back to).
  let req = agent
    .post(`/sessions/${sessionId}/topics/${topicId}/materials?_csrf=${encodeURIComponent(token)}`)
    .set('Accept', 'text/html')
    .set('Referer', `http://127.0.0.1/sessions/${sessionId}/topics/${topicId}`);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('file', file, { filename, contentType: 'application/octet-stream' });
}
