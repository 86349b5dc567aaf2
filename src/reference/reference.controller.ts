import { Controller, Get, Param, Query, Render } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators';
import { CommuneSearchDto, OldProvinceQueryDto, OldUnitQueryDto, OptionalSearchDto } from './dto/reference-query.dto';
import { ReferenceService } from './reference.service';

/** Reference data pages: public facts, no account needed. */
@Public()
@Controller('reference')
export class ReferencePagesController {
  constructor(private readonly reference: ReferenceService) {}

  @ApiExcludeEndpoint()
  @Get()
  @Render('reference/index')
  async index() {
    const [provinces, counts] = await Promise.all([this.reference.provinces(), this.reference.counts()]);
    return { title: 'Danh mục hành chính', provinces, counts };
  }

  @ApiExcludeEndpoint()
  @Get('provinces/:code')
  @Render('reference/province')
  async province(@Param('code') code: string) {
    const province = await this.reference.province(code);
    return { title: province.fullName, province, communes: await this.reference.communesOfProvince(code) };
  }

  @ApiExcludeEndpoint()
  @Get('search')
  @Render('reference/search')
  async search(@Query() dto: OptionalSearchDto) {
    const q = dto.q?.trim();
    if (!q) return { title: 'Tra cứu xã, phường', q: '' };
    const [communes, oldUnits] = await Promise.all([
      q.length >= 2 ? this.reference.searchCommunes(q) : Promise.resolve([]),
      this.reference.resolveOldCommune(q, dto.district, dto.province),
    ]);
    return { title: 'Tra cứu xã, phường', q, district: dto.district, province: dto.province, communes, oldUnits, searched: true };
  }
}

@ApiTags('reference')
@Public()
@Controller('api/v1/reference')
export class ReferenceApiController {
  constructor(private readonly reference: ReferenceService) {}

  @Get('counts')
  @ApiOperation({ summary: 'Number of provinces, communes, conversion rows and ethnic groups' })
  counts() {
    return this.reference.counts();
  }

  @Get('provinces')
  provinces() {
    return this.reference.provinces();
  }

  @Get('provinces/:code/communes')
  communes(@Param('code') code: string) {
    return this.reference.communesOfProvince(code);
  }

  @Get('communes')
  @ApiOperation({ summary: 'Search communes by name, ignoring diacritics and case' })
  searchCommunes(@Query() dto: CommuneSearchDto) {
    return this.reference.searchCommunes(dto.q, dto.province || undefined, dto.limit);
  }

  @Get('old-communes')
  @ApiOperation({ summary: 'Resolve a pre-2025 commune name to the new unit(s), saying when it was split' })
  oldCommunes(@Query() dto: OldUnitQueryDto) {
    return this.reference.resolveOldCommune(dto.q, dto.district, dto.province);
  }

  @Get('old-provinces')
  @ApiOperation({ summary: 'Resolve a pre-2025 province name to the new province(s)' })
  oldProvinces(@Query() dto: OldProvinceQueryDto) {
    return this.reference.resolveOldProvince(dto.q);
  }

  @Get('ethnic-groups')
  ethnicGroups() {
    return this.reference.ethnicGroups();
  }

  @Get('conversion-issues')
  @ApiOperation({ summary: 'Conversion rows naming a commune code missing from the commune list' })
  conversionIssues() {
    return this.reference.unknownConversionCodes();
  }
}
