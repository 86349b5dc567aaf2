import { BadRequestException } from '@nestjs/common';
import { ArrayMaxSize, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { createValidationPipe } from './validation';

class Filter {
  @IsOptional()
  @IsString()
  @MaxLength(5)
  q?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  page?: number;

  @IsOptional()
  @IsUUID('4', { each: true })
  @ArrayMaxSize(2)
  ids?: string[];

  @IsOptional()
  @IsString({ message: 'Từ khóa phải là chữ.' })
  note?: string;
}

const pipe = createValidationPipe();
const refusal = async (value: unknown, type: 'body' | 'query') => {
  try {
    await pipe.transform(value, { type, metatype: Filter, data: '' });
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestException);
    return (e as BadRequestException).getResponse() as { message: string; details: Record<string, string[]> };
  }
  throw new Error('not refused');
};

describe('validation pipe', () => {
  it('drops query parameters it does not know (links shared through Zalo or Facebook) and still checks the known ones', async () => {
    await expect(pipe.transform({ page: '2', zarsrc: '30', utm_source: 'zalo', fbclid: 'x' }, { type: 'query', metatype: Filter, data: '' })).resolves.toEqual(Object.assign(new Filter(), { page: 2 }));
    expect((await refusal({ page: '11', zarsrc: '30' }, 'query')).message).toBe('Giá trị không được lớn hơn 10.');
  });

  it('refuses fields a body does not know, in Vietnamese', async () => {
    const r = await refusal({ q: 'ha', role: 'admin' }, 'body');
    expect(r.message).toBe('Trường không được phép: role.');
  });

  it('says in Vietnamese what class-validator says in English, and keeps our own messages', async () => {
    const r = await refusal({ q: 'quá dài rồi', page: '0', ids: ['a', 'b', 'c'], note: 5 }, 'body');
    expect(r.details).toEqual({
      q: ['Quá dài: tối đa 5 ký tự.'],
      page: ['Giá trị phải từ 1 trở lên.'],
      ids: ['Quá nhiều mục: tối đa 2.', 'Giá trị không hợp lệ.'],
      note: ['Từ khóa phải là chữ.'],
    });
    expect((await refusal({ page: 'abc' }, 'query')).details.page.every((m) => !/[a-z]+ must/.test(m))).toBe(true);
  });
});
