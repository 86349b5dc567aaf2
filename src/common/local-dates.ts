/** How date cells of exported workbooks show: the Vietnamese dd/mm/yyyy. */
export const EXCEL_DATE_FORMAT = 'dd/mm/yyyy';

const VIETNAM_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The day of an instant in Asia/Ho_Chi_Minh, as 'YYYY-MM-DD'. */
export function dayInVietnam(at: Date): string {
  return VIETNAM_DAY.format(at);
}

/**
 * A calendar day ('2025-09-25', or an instant taken as its day in Vietnam) as the value of an Excel
 * date cell: midnight UTC of that day, which exceljs writes as the day's serial number (no time zone
 * shift). Give the cell `EXCEL_DATE_FORMAT`. Null when there is no day.
 */
export function excelDate(value: string | Date | null | undefined): Date | null {
  if (!value) return null;
  const day = value instanceof Date ? dayInVietnam(value) : value.slice(0, 10);
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}
