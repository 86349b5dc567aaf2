import ExcelJS from 'exceljs';

export const HEADERS = ['STT', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Dân tộc', 'Chức vụ', 'Đơn vị công tác / Xã', 'Tỉnh', 'Số điện thoại', 'Email', 'Số CCCD'];

type Cell = ExcelJS.CellValue;

/**
 * A commune list as a province would send it: a title block with merged
 * cells, the header on row 7, a numbering row, blank lines, dates written
 * every way, old commune names, aliases, a formula, errors, and a footer.
 */
export async function messyWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Danh sách');
  ws.getCell('A1').value = 'UBND TỈNH LAI CHÂU';
  ws.mergeCells('A1:D1');
  ws.getCell('F1').value = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
  ws.mergeCells('F1:K1');
  ws.getCell('A2').value = 'SỞ NỘI VỤ';
  ws.mergeCells('A2:D2');
  ws.getCell('F2').value = 'Độc lập - Tự do - Hạnh phúc';
  ws.mergeCells('F2:K2');
  ws.getCell('A4').value = 'DANH SÁCH HỌC VIÊN THAM GIA LỚP TẬP HUẤN';
  ws.mergeCells('A4:K4');
  ws.getCell('A5').value = '(Kèm theo Công văn số 123/SNV-CCVC ngày 01/9/2025 của Sở Nội vụ)';
  ws.mergeCells('A5:K5');
  ws.getRow(7).values = HEADERS;
  ws.getRow(8).values = HEADERS.map((_, i) => `(${i + 1})`);
  const rows: Record<number, Cell[]> = {
    9: [1, 'Lò Văn Pành', '12/03/1985', 'Nam', 'Thái', 'Chủ tịch UBND xã', 'UBND xã Sin Suối Hồ', 'Lai Châu', '0912000001', 'panh@example.vn', '012085000001'],
    10: [2, 'Vàng A Sử', new Date(Date.UTC(1990, 4, 20)), 'Nam', "H'Mông", 'Công chức Tư pháp - Hộ tịch', 'Xã Thèn Sin, Huyện Tam Đường', 'Lai Châu', 912000002, 'su.vang@example.vn', 12090000002],
    12: [3, 'Tẩn Thị Mẩy', 1992, 'Nữ', 'Dao', 'Công chức Văn hóa - Xã hội', 'Xã Bản Hon, Huyện Tam Đường', 'Tỉnh Lai Châu', '0912 000 003', null, null],
    13: [4, 'Lù Thị Dung', 33000, 'Nữ', 'Giáy', 'Phó Chủ tịch UBND xã', 'Xã Nam Cha', 'Lai Châu', '0912000004', null, null],
    14: [5, null, '01/01/1980', 'Nam', 'Thái', 'Công chức', 'Xã Sin Suối Hồ', 'Lai Châu', '0912000005', null, null],
    15: [6, 'Hà Văn Lỗi', '31/02/1988', 'Nam', 'Thái', 'Công chức', 'Xã Sin Suối Hồ', 'Lai Châu', '0912000006', null, null],
    16: [7, 'Lò Văn Tương', '01/01/2090', 'Nam', 'Thái', 'Công chức', 'Xã Sin Suối Hồ', 'Lai Châu', '0912000007', null, null],
    17: [8, 'Sa Văn Hai', '12/03/85', 'Nam', 'Thái', 'Công chức', 'Xã Sin Suối Hồ', 'Lai Châu', '0912000008', null, null],
    18: [9, 'Điêu Văn Số', '1980', 'Nam', 'Thái', 'Công chức', 'Xã Sin Suối Hồ', 'Lai Châu', '09l2abc345', null, null],
    19: [10, 'Kiểm Thị Dân', '1981', 'Nữ', 'Kinh Mông', 'Công chức', 'Xã Sin Suối Hồ', 'Lai Châu', '0912000010', null, null],
    20: [11, 'Chảo Văn Xa', '1982', 'Nam', 'Dao', 'Công chức', 'Xã Nậm Chày', 'Lai Châu', '0912000011', null, null],
    21: [12, { formula: 'CONCATENATE("Lò ","Văn Công")', result: 'Lò Văn Công' }, '05/06/1987', 'Nam', 'Thái', 'Công chức Địa chính', 'Xã Bình Lư', 'Lai Châu', '0912000012', null, null],
    22: [13, 'Lường Văn Mất', '1983', 'Nam', 'Thái', 'Công chức', 'Xã Không Tồn Tại', 'Lai Châu', '0912000013', null, null],
  };
  for (const [n, values] of Object.entries(rows)) ws.getRow(Number(n)).values = values;
  ws.getCell('C13').numFmt = 'General';
  ws.getCell('A24').value = 'Tổng cộng: 13 người';
  ws.mergeCells('A24:B24');
  ws.getCell('H26').value = 'Người lập biểu';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Expected outcome of messyWorkbook(), by file row number. */
export const MESSY = {
  fresh: [9, 10, 12, 21],
  review: [13],
  errors: { 14: 'Thiếu họ và tên.', 15: 'Ngày sinh không tồn tại.', 16: 'Ngày sinh ở tương lai.', 17: 'Năm sinh phải đủ 4 chữ số', 18: 'Số điện thoại có chữ cái.', 19: 'Dân tộc không có trong danh mục: Kinh Mông.', 20: 'Xã Nậm Chày thuộc', 22: 'Không tìm thấy xã, phường: Không Tồn Tại' } as Record<number, string>,
};

/**
 * Text as Vietnamese Windows (code page 1258) stores it: base letters with
 * their circumflex, breve or horn precomposed, tone marks as combining characters.
 */
export function toWindows1258(text: string): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const iconv = require('iconv-lite') as typeof import('iconv-lite');
  const tones = /[\u0300\u0301\u0303\u0309\u0323]/g;
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (iconv.decode(iconv.encode(ch, 'windows-1258'), 'windows-1258') === ch) {
      out += ch;
      continue;
    }
    const d = ch.normalize('NFD');
    out += d.replace(tones, '').normalize('NFC') + (d.match(tones) ?? []).join('');
  }
  return iconv.encode(out, 'windows-1258');
}
