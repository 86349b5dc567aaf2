import { ZipArchive } from 'archiver';
import ExcelJS from 'exceljs';
import { readSpreadsheet } from './spreadsheet-reader';

async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('reading an XLSX list', () => {
  it('fills merged ranges with their value, skips blank rows and reads dates, formulas and rich text', async () => {
    const file = await workbook((wb) => {
      const guide = wb.addWorksheet('Hướng dẫn');
      guide.getCell('A1').value = 'Điền danh sách ở trang sau';
      const ws = wb.addWorksheet('Danh sách');
      ws.getCell('A1').value = 'UBND TỈNH LAI CHÂU';
      ws.mergeCells('A1:C1');
      ws.getRow(3).values = ['STT', 'Họ và tên', 'Ngày sinh', 'Tỉnh', 'Ghi chú'];
      ws.getRow(4).values = [1, 'Lò Văn Pành', new Date(Date.UTC(1980, 4, 2)), 'Lai Châu', { formula: 'A4*2', result: 2 }];
      ws.getRow(5).values = [2, { richText: [{ text: 'Tẩn Thị ' }, { text: 'Mẩy', font: { bold: true } }] }, '1990'];
      ws.getRow(7).values = [3, 'Vàng A Sử', 1985];
      ws.mergeCells('D4:D7');
      const hidden = wb.addWorksheet('Nháp', { state: 'hidden' });
      for (let i = 1; i <= 20; i++) hidden.getCell(`A${i}`).value = `nháp ${i}`;
    });
    const rows = await readSpreadsheet(file, 'danh-sach.xlsx');
    // Row 6 holds only its share of the merged province, as Excel shows it.
    expect(rows.map((r) => r.n)).toEqual([1, 3, 4, 5, 6, 7]);
    expect(rows[0].cells.slice(0, 3)).toEqual(['UBND TỈNH LAI CHÂU', 'UBND TỈNH LAI CHÂU', 'UBND TỈNH LAI CHÂU']);
    expect(rows[2].cells).toEqual([1, 'Lò Văn Pành', { d: '1980-05-02T00:00:00.000Z' }, 'Lai Châu', { f: 'A4*2', r: 2 }]);
    expect(rows[3].cells).toEqual([2, 'Tẩn Thị Mẩy', '1990', 'Lai Châu', null]);
    expect(rows[4].cells).toEqual([null, null, null, 'Lai Châu', null]);
    expect(rows[5].cells).toEqual([3, 'Vàng A Sử', 1985, 'Lai Châu', null]);
  });

  it('fills merged ranges from the sheet it reads when the sheets were reordered (sheetId not the part number)', async () => {
    // As Excel saves a workbook whose instructions tab was moved before the list: the list's part is sheet2.xml but its
    // sheetId is 1, and the instructions (part sheet1.xml, sheetId 2) have merged lines of their own.
    const file = await rewriteEntries(
      await workbook((wb) => {
        const guide = wb.addWorksheet('Hướng dẫn');
        guide.getCell('A4').value = '1. Ghi đầy đủ họ tên có dấu';
        guide.mergeCells('A4:C4');
        const ws = wb.addWorksheet('Danh sách');
        ws.getRow(1).values = ['STT', 'Họ và tên', 'Tỉnh'];
        for (let i = 2; i <= 6; i++) ws.getRow(i).values = [i - 1, `Học viên ${i}`];
        ws.getCell('C2').value = 'Lai Châu';
        ws.mergeCells('C2:C6');
      }),
      (name, xml) => (name === 'xl/workbook.xml' ? xml.replace('sheetId="1"', 'sheetId="X"').replace('sheetId="2"', 'sheetId="1"').replace('sheetId="X"', 'sheetId="2"') : xml),
    );
    const rows = await readSpreadsheet(file, 'danh-sach.xlsx');
    // Before, the instructions' merged line was laid over row 4 of the list, and the list's own province was not filled.
    expect(rows.map((r) => r.cells)).toEqual([['STT', 'Họ và tên', 'Tỉnh'], ...[2, 3, 4, 5, 6].map((i) => [i - 1, `Học viên ${i}`, 'Lai Châu'])]);
  });

  it('numbers the rows of a CSV as Excel shows them when a quoted cell spans lines', async () => {
    const csv = ['DANH SÁCH', '', 'STT,"Họ và\ntên","Ngày\r\nsinh"', '1,Giàng Thị Dung,1990', '', '2,Lý Văn Quyết,"12/03/1985"'].join('\r\n');
    const rows = await readSpreadsheet(Buffer.from(csv, 'utf8'), 'ds.csv');
    expect(rows.map((r) => [r.n, r.cells[1] ?? null])).toEqual([
      [1, null],
      [3, 'Họ và\ntên'],
      [4, 'Giàng Thị Dung'],
      [6, 'Lý Văn Quyết'],
    ]);
  });

  it('refuses a workbook whose only filled sheet is hidden, and a ZIP that is not a workbook', async () => {
    const onlyHidden = await workbook((wb) => {
      wb.addWorksheet('Trống');
      wb.addWorksheet('Nháp', { state: 'hidden' }).getCell('A1').value = 'x';
    });
    await expect(readSpreadsheet(onlyHidden, 'a.xlsx')).rejects.toThrow('Tệp Excel không có dữ liệu.');
    const zip = new ZipArchive();
    const chunks: Buffer[] = [];
    zip.on('data', (c: Buffer) => chunks.push(c));
    zip.append('<w:document/>', { name: 'word/document.xml' });
    await zip.finalize();
    await expect(readSpreadsheet(Buffer.concat(chunks), 'a.xlsx')).rejects.toThrow(/Không đọc được tệp Excel|không có dữ liệu/);
  });

  it('refuses a file whose merged ranges would fill more cells than any list has', async () => {
    const file = await workbook((wb) => {
      const ws = wb.addWorksheet('Danh sách');
      ws.getRow(1).values = ['STT', 'Họ và tên'];
      for (let i = 2; i <= 100; i++) ws.getRow(i).values = [i - 1, `Học viên ${i}`];
      ws.mergeCells('C1:D1');
    });
    // 100 ranges each over every column and a million rows: 600,000 cells to fill on a 100-row sheet.
    const crafted = await rewriteEntries(file, (name, text) =>
      /^xl\/worksheets\/sheet\d+\.xml$/.test(name) ? text.replace(/<mergeCells[^]*?<\/mergeCells>/, `<mergeCells count="100">${'<mergeCell ref="A1:BH1048576"/>'.repeat(100)}</mergeCells>`) : text,
    );
    await expect(readSpreadsheet(crafted, 'a.xlsx')).rejects.toThrow('Tệp Excel có quá nhiều ô gộp');
    // The same file with its one real merge reads.
    expect((await readSpreadsheet(file, 'a.xlsx')).length).toBe(100);
  });
});

/** The ZIP with each entry's text passed through `edit` (entries read with yauzl, written with archiver). */
async function rewriteEntries(zip: Buffer, edit: (name: string, text: string) => string): Promise<Buffer> {
  const yauzl = await import('yauzl');
  const entries = await new Promise<{ name: string; data: Buffer }[]>((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => {
      if (err || !z) return reject(err);
      const out: { name: string; data: Buffer }[] = [];
      z.on('entry', (e: import('yauzl').Entry) =>
        z.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return reject(err2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.push({ name: e.fileName, data: Buffer.concat(chunks) });
            z.readEntry();
          });
        }),
      );
      z.on('end', () => resolve(out));
      z.readEntry();
    });
  });
  const archive = new ZipArchive();
  const chunks: Buffer[] = [];
  archive.on('data', (c: Buffer) => chunks.push(c));
  for (const e of entries) archive.append(Buffer.from(edit(e.name, e.data.toString('utf8'))), { name: e.name });
  await archive.finalize();
  return Buffer.concat(chunks);
}
