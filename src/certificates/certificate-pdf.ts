import PDFDocument from 'pdfkit';
import * as QRCode from 'qrcode';
import { registerFonts } from '../pdf/pdf-fonts';
import type { CertificateContent } from './certificate.entity';
import { dateLine, dmy } from './certificate-rules';

/**
 * The certificate page: A4 landscape, absolute layout (margin 0), in the form
 * of a Vietnamese administrative document. Pure drawing with no Nest or
 * database dependency, so worker threads and the benchmark can load it alone.
 */
export const PAGE = { width: 841.89, height: 595.28 };
/** Where the QR code is drawn (points, from the top-left corner). */
export const QR_BOX = { x: 62, y: 424, size: 96 };

export interface CertificateImage {
  data: Buffer | Uint8Array;
}

export type PdfDoc = InstanceType<typeof PDFDocument>;

/**
 * Word layouts (fontkit shaping) shared by every document of this thread.
 * pdfkit caches the layout of each word per document only; certificates
 * repeat the same words, and shaping is most of the cost of a page. The
 * cached runs are what pdfkit itself would reuse within one document.
 * Emptied every 2,000 documents so that a long run does not grow it forever.
 */
const layoutCaches = new WeakMap<object, Record<string, unknown>>();
let documentsSinceReset = 0;

function shareLayoutCache(doc: PdfDoc): void {
  if (++documentsSinceReset > 2000) {
    documentsSinceReset = 0;
    for (const key of fontKeys) layoutCaches.delete(key);
  }
  const d = doc as unknown as { font: (...a: unknown[]) => PdfDoc; _font?: { font?: object; layoutCache?: Record<string, unknown>; sharedCache?: boolean } };
  const original = d.font.bind(doc);
  d.font = (...args: unknown[]) => {
    original(...args);
    const f = d._font;
    if (f?.font && f.layoutCache && !f.sharedCache) {
      let cache = layoutCaches.get(f.font);
      if (!cache) {
        cache = Object.create(null) as Record<string, unknown>;
        layoutCaches.set(f.font, cache);
        fontKeys.add(f.font);
      }
      f.layoutCache = cache;
      f.sharedCache = true;
    }
    return doc;
  };
}
const fontKeys = new Set<object>();

/** A new document with the fonts registered; the caller adds pages with drawCertificatePage. */
export function newCertificateDocument(title: string): PdfDoc {
  // font: null skips pdfkit's default Helvetica, whose metrics would be parsed for every document.
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 0, autoFirstPage: false, font: null as unknown as string, info: { Title: nfc(title), Producer: 'Tập huấn' } });
  registerFonts(doc);
  shareLayoutCache(doc);
  return doc;
}

/** The dark modules of the QR code of `text` (row-major, size × size). */
export function qrModules(text: string): { size: number; dark: (row: number, col: number) => boolean } {
  const m = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  return { size: m.size, dark: (r, c) => !!m.get(r, c) };
}

/** Draws the QR code as vector rectangles: one per horizontal run of dark modules. */
export function drawQr(doc: PdfDoc, text: string, x: number, y: number, size: number): void {
  const q = qrModules(text);
  const cell = size / q.size;
  doc.save();
  for (let r = 0; r < q.size; r++) {
    let c = 0;
    while (c < q.size) {
      if (!q.dark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < q.size && q.dark(r, c)) c++;
      doc.rect(x + start * cell, y + r * cell, (c - start) * cell, cell);
    }
  }
  doc.fill('#000000');
  doc.restore();
}

function nfc(s: string | null | undefined): string {
  return (s ?? '').normalize('NFC');
}

/** Adds one certificate page to the document. */
export function drawCertificatePage(doc: PdfDoc, c: CertificateContent, logo?: CertificateImage | null): void {
  doc.addPage({ size: 'A4', layout: 'landscape', margin: 0 });
  const W = PAGE.width;
  const red = '#8b1a1a';
  const ink = '#1a1a1a';

  // Frame: a thick and a thin line.
  doc.save().lineWidth(3).strokeColor(red).rect(18, 18, W - 36, PAGE.height - 36).stroke();
  doc.lineWidth(0.8).rect(25, 25, W - 50, PAGE.height - 50).stroke().restore();

  // Issuing body (left) and national heading (right).
  const leftX = 40;
  const leftW = 320;
  let y = 48;
  doc.fillColor(ink);
  if (c.issuerParent) {
    doc.font('serif').fontSize(12).text(nfc(c.issuerParent).toUpperCase(), leftX, y, { width: leftW, align: 'center' });
    y = doc.y;
  }
  doc.font('serif-bold').fontSize(12.5).text(nfc(c.issuerName).toUpperCase(), leftX, y, { width: leftW, align: 'center' });
  y = doc.y + 3;
  doc.save().lineWidth(0.7).strokeColor(ink).moveTo(leftX + leftW / 2 - 40, y).lineTo(leftX + leftW / 2 + 40, y).stroke().restore();
  doc.font('serif').fontSize(12).text(`Số: ${nfc(c.serial)}`, leftX, y + 8, { width: leftW, align: 'center' });

  const rightX = 370;
  const rightW = 430;
  doc.font('serif-bold').fontSize(12.5).text(nfc(c.nationalHeading), rightX, 48, { width: rightW, align: 'center' });
  doc.font('serif-bold').fontSize(13).text(nfc(c.motto), rightX, doc.y + 1, { width: rightW, align: 'center' });
  const mottoW = doc.widthOfString(nfc(c.motto));
  const my = doc.y + 2;
  doc.save().lineWidth(0.7).strokeColor(ink).moveTo(rightX + (rightW - mottoW) / 2, my).lineTo(rightX + (rightW + mottoW) / 2, my).stroke().restore();

  if (logo) {
    try {
      doc.image(Buffer.from(logo.data), 48, 130, { fit: [80, 80] });
    } catch {
      // A broken image must not stop the certificate; the upload is checked when it is saved.
    }
  }

  // Title and body.
  doc.fillColor(red).font('serif-bold').fontSize(34).text(nfc(c.title), 0, 138, { width: W, align: 'center' });
  doc.fillColor(ink).font('serif-bold').fontSize(14).text(`${nfc(c.issuerName).toUpperCase()} CHỨNG NHẬN`, 0, doc.y + 4, { width: W, align: 'center' });

  const bodyX = 150;
  const bodyW = W - 2 * bodyX;
  y = doc.y + 12;
  const line = (label: string, value: string, opts: { bold?: boolean; size?: number } = {}) => {
    const size = opts.size ?? 13;
    if (size === 13) {
      doc.font('serif').fontSize(13).text(label, bodyX, y, { continued: true, width: bodyW });
      doc.font(opts.bold ? 'serif-bold' : 'serif').fontSize(13).text(value, { width: bodyW });
    } else {
      // A bigger value (the name) on the same baseline as its label.
      const labelW = doc.font('serif').fontSize(13).widthOfString(label);
      doc.text(label, bodyX, y + (size - 13) * 0.8, { lineBreak: false });
      doc.font(opts.bold ? 'serif-bold' : 'serif').fontSize(size).text(value, bodyX + labelW, y, { width: bodyW - labelW });
    }
    y = doc.y + 3;
  };
  line('Ông/Bà: ', nfc(c.traineeName), { bold: true, size: 16 });
  if (c.dateOfBirth) line('Ngày sinh: ', dmy(c.dateOfBirth));
  else if (c.birthYear) line('Năm sinh: ', String(c.birthYear));
  const posUnit = [nfc(c.position), nfc(c.unit)].filter(Boolean).join(', ');
  if (posUnit) line('Chức vụ, đơn vị công tác: ', posUnit);
  line(`${nfc(c.wording)}: `, nfc(c.courseTitle), { bold: true });
  line('Thời gian: ', c.startDate === c.endDate ? `ngày ${dmy(c.startDate)}` : `từ ngày ${dmy(c.startDate)} đến ngày ${dmy(c.endDate)}`);
  line('Địa điểm: ', nfc(c.venue));

  // Date line, signer (right); QR code (left).
  const signX = 470;
  const signW = 330;
  const sy = Math.max(y + 6, 395);
  doc.font('serif-italic').fontSize(13).text(dateLine(nfc(c.placeName), c.issueDate), signX, sy, { width: signW, align: 'center' });
  doc.font('serif-bold').fontSize(13).text(nfc(c.signerTitle).toUpperCase(), signX, doc.y + 2, { width: signW, align: 'center' });
  doc.font('serif-bold').fontSize(14).text(nfc(c.signerName), signX, 535, { width: signW, align: 'center' });

  drawQr(doc, c.verifyUrl, QR_BOX.x, QR_BOX.y, QR_BOX.size);
  // The code in print under the QR code, for a photocopy or a reader without a camera.
  const { code, address } = verificationOf(c.verifyUrl);
  const capX = QR_BOX.x + QR_BOX.size / 2 - 80;
  const capW = 160;
  doc.font('serif-italic').fontSize(7.5).fillColor(ink).text('Mã xác thực', capX, QR_BOX.y + QR_BOX.size + 3, { width: capW, align: 'center' });
  // Always one line: the code's letters vary in width (W and M against I and 1), and a code broken
  // over two lines is misread when typed. The font shrinks until the widest code fits.
  const codeText = code ? groupCode(code) : '(riêng cho từng giấy)';
  const spacing = code ? 0.4 : 0;
  doc.font('sans-bold');
  let codeSize = 9.5;
  while (codeSize > 6 && doc.fontSize(codeSize).widthOfString(codeText, { characterSpacing: spacing }) > capW - 2) codeSize -= 0.25;
  doc.fontSize(codeSize).text(codeText, capX, doc.y + 0.5, { width: capW, align: 'center', characterSpacing: spacing });
  doc.font('serif-italic').fontSize(7.5).text(`Kiểm tra tại ${address}`, capX, doc.y + 0.5, { width: capW, align: 'center', lineBreak: false, ellipsis: true });
}

/**
 * The verification code and the short address of the check page, taken from the URL in the QR
 * code ("https://taphuan.example.vn/verify/ABC…" → "taphuan.example.vn/verify"), so that
 * certificates stored before the code was printed render it too. The sample has no code.
 */
export function verificationOf(verifyUrl: string): { code: string | null; address: string } {
  const m = /^(.*)\/([0-9A-HJKMNP-TV-Z]{20})$/.exec(verifyUrl);
  const base = m ? m[1] : verifyUrl;
  return { code: m ? m[2] : null, address: base.replace(/^https?:\/\//, '') };
}

/** "ABCDEFGHJKMNPQRSTVWX" → "ABCDE FGHJK MNPQR STVWX": easier to read out and type (the check ignores the spaces). */
export function groupCode(code: string): string {
  return code.match(/.{1,5}/g)!.join(' ');
}

/** One certificate as a PDF file. */
export function renderCertificatePdf(c: CertificateContent, logo?: CertificateImage | null): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const doc = newCertificateDocument(`Giấy chứng nhận ${c.serial}`);
    const chunks: Buffer[] = [];
    doc.on('data', (b: Buffer) => chunks.push(b));
    doc.on('error', reject);
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    try {
      drawCertificatePage(doc, c, logo);
      doc.end();
    } catch (e) {
      reject(e as Error);
    }
  });
}
