import PDFDocument from 'pdfkit';
import { pdfText } from '../../test/support/pdf';
import { registerFonts } from './pdf-fonts';

describe('pdf fonts', () => {
  it('draws Vietnamese text that extracts back intact, with the fonts embedded', async () => {
    const doc = new PDFDocument({ size: 'A4', margin: 0 });
    registerFonts(doc);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<void>((resolve, reject) => {
      doc.on('end', () => resolve());
      doc.on('error', reject);
    });
    doc.font('serif-bold').fontSize(16).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 40, 40);
    doc.font('sans').fontSize(12).text('Độc lập - Tự do - Hạnh phúc. Vàng Thị Mỷ, xã Sìn Hồ', 40, 80);
    doc.end();
    await done;
    const pdf = Buffer.concat(chunks);
    const text = await pdfText(pdf);
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Vàng Thị Mỷ, xã Sìn Hồ');
    expect(pdf.toString('latin1')).toMatch(/\/FontFile2/);
  });
});
