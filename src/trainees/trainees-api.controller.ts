import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/decorators';
import { ListTraineesDto } from './dto/list-trainees.dto';
import { TraineesService } from './trainees.service';

const PAGE_SIZE = 50;

@ApiTags('trainees')
@ApiBearerAuth()
@Controller('api/v1/trainees')
@Roles('organiser')
export class TraineesApiController {
  constructor(private readonly trainees: TraineesService) {}

  @Get()
  @ApiOperation({ summary: 'Directory: search (diacritics and case ignored) and filters, 50 per page' })
  async list(@Query() q: ListTraineesDto) {
    const page = q.page ?? 1;
    const [items, total] = await this.trainees.list({ q: q.q, province: q.province, commune: q.commune, ethnic: q.ethnic, gender: q.gender, page, pageSize: PAGE_SIZE });
    return { items, total, page, pageSize: PAGE_SIZE };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A trainee with probable duplicates and history' })
  profile(@Param('id', ParseUUIDPipe) id: string) {
    return this.trainees.profile(id);
  }
}
