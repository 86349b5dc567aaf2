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
