import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?page=` of a list page or list API (1-based). */
export class PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Trang không hợp lệ.' })
  @Min(1, { message: 'Trang không hợp lệ.' })
  @Max(100000, { message: 'Trang không hợp lệ.' })
  page?: number;
}

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

/**
 * One page of a list whose page number comes from the address: a number past the last page (an old link, a
 * list that shrank, `?page=99999` typed by hand) shows the last page, as the paging links say, rather than
 * an empty table under "Trang 2 / 2". `fetch` returns the rows of a 1-based page and the total.
 */
export async function clampedPage<T>(page: number | undefined, pageSize: number, fetch: (page: number) => Promise<[T[], number]>): Promise<{ rows: T[]; total: number; paging: Page }> {
  const asked = Math.max(1, page ?? 1);
  let [rows, total] = await fetch(asked);
  let paging = pageOf(asked, pageSize, total);
  if (paging.page !== asked) {
    [rows, total] = await fetch(paging.page);
    paging = pageOf(paging.page, pageSize, total);
  }
  return { rows, total, paging };
}
