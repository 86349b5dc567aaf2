import { Injectable } from '@nestjs/common';
import { ReferenceService } from '../reference/reference.service';
import { formatDate } from '../common/view-engine';
import { clampedPage } from '../common/paging';
import { ListTraineesDto } from './dto/list-trainees.dto';
import { GENDER_LABELS, Trainee } from './trainee.entity';
import { TraineesService } from './trainees.service';
import { describeMatch, MatchKind } from './duplicate-rule';

const ACTION_LABELS: Record<string, string> = {
  'trainee.create': 'Tạo hồ sơ',
  'trainee.update': 'Sửa hồ sơ',
  'trainee.import': 'Nhập từ tệp',
  'trainee.merge': 'Gộp hồ sơ trùng',
  'trainee.merged-into': 'Được gộp vào hồ sơ khác',
};

const MATCH_LABELS: Record<MatchKind, string> = {
  same: 'Nhiều khả năng là cùng một người',
  conflict: 'Trùng số CCCD nhưng khác họ tên và ngày sinh: kiểm tra lại số CCCD',
  possible: 'Có điểm chung, có thể là người khác',
};

/** What the directory pages show: the data plus the choices of the filters and forms. */
@Injectable()
export class TraineesPagesService {
  constructor(
    private readonly trainees: TraineesService,
    private readonly reference: ReferenceService,
  ) {}

  async directory(q: ListTraineesDto, pageSize: number) {
    const { rows, total, paging } = await clampedPage(q.page, pageSize, (page) => this.trainees.list({ q: q.q, province: q.province, commune: q.commune, ethnic: q.ethnic, gender: q.gender, page, pageSize }));
    const [provinces, ethnicGroups, communes] = await Promise.all([
      this.reference.provinces(),
      this.reference.ethnicGroups(),
      q.province ? this.reference.communesOfProvince(q.province) : Promise.resolve([]),
    ]);
    const params = new URLSearchParams();
    for (const k of ['q', 'province', 'commune', 'ethnic', 'gender'] as const) if (q[k]) params.set(k, String(q[k]));
    return {
      trainees: rows.map(row),
      total,
      paging,
      filter: q,
      provinces,
      ethnicGroups,
      communes,
      query: params.toString() ? `&${params.toString()}` : '',
    };
  }

  async form(id: string | null) {
    const trainee = id ? await this.trainees.get(id) : null;
    const [provinces, ethnicGroups] = await Promise.all([this.reference.provinces(), this.reference.ethnicGroups()]);
    return {
      title: trainee ? `Sửa hồ sơ ${trainee.fullName}` : 'Thêm học viên',
      trainee: trainee ? { ...trainee, communeName: trainee.commune?.name ?? '', birthYearOnly: trainee.dateOfBirth ? '' : (trainee.birthYear ?? '') } : null,
      action: trainee ? `/trainees/${trainee.id}` : '/trainees',
      provinces,
      ethnicGroups,
      genders: Object.entries(GENDER_LABELS).map(([value, label]) => ({ value, label })),
    };
  }

  async profile(id: string, q?: string) {
    const p = await this.trainees.profile(id);
    const flagged = new Set(p.duplicates.map((d) => d.trainee.id));
    const others = q && q.trim() && !p.trainee.mergedIntoId ? (await this.trainees.list({ q, page: 1, pageSize: 20 }))[0].filter((t) => t.id !== id && !flagged.has(t.id)) : [];
    return {
      mergeSearch: { q: q ?? '', searched: !!(q && q.trim()), others: others.map(row) },
      title: p.trainee.fullName,
      trainee: row(p.trainee),
      mergedInto: p.mergedInto,
      duplicates: p.duplicates.map((d) => ({ ...row(d.trainee), verdict: MATCH_LABELS[d.kind], reasons: describeMatch(d) })),
      history: p.history.map((h) => ({ ...h, label: ACTION_LABELS[h.action] ?? h.action, mergedRecord: h.entityId !== id })),
    };
  }
}

function row(t: Trainee) {
  return {
    ...t,
    genderLabel: t.gender ? GENDER_LABELS[t.gender] : '',
    born: t.dateOfBirth ? formatDate(t.dateOfBirth) : (t.birthYear ?? ''),
    communeLabel: t.commune?.name ?? '',
    provinceLabel: t.province?.name ?? '',
    ethnicLabel: t.ethnicGroup?.name ?? '',
  };
}
