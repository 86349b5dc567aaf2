/** Paging numbers for list pages. */
export interface Page {
  page: number;
  pageSize: number;
  total: number;
  pages: number;
  hasPrev: boolean;
  hasNext: boolean;
  prev: number;
  next: number;
}

export function pageOf(page: number | undefined, pageSize: number, total: number): Page {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const p = Math.min(Math.max(1, page ?? 1), pages);
  return { page: p, pageSize, total, pages, hasPrev: p > 1, hasNext: p < pages, prev: p - 1, next: p + 1 };
}
