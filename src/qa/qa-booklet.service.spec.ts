import { QaBookletService } from './qa-booklet.service';
import type { QuestionRow } from './qa.repository';
import { internalAsker, publishedAsker } from './qa-present';

const row = (over: Partial<QuestionRow>): QuestionRow => ({
  id: 'q',
  sessionId: 's1',
  sessionTitle: 'Lớp Lai Châu',
  sessionStartDate: '2025-09-25',
  topicId: 't1',
  topicTitle: 'Chính quyền hai cấp',
  categoryId: 'c1',
  categoryName: 'Cơ chế, chính sách',
  askerKind: 'trainee',
  traineeId: 'tr',
  traineeName: 'Lò Văn Hỏi',
  communeCode: '03394',
  communeName: 'Xã Sin Suối Hồ',
  provinceCode: '12',
  provinceName: 'Tỉnh Lai Châu',
  anonymous: false,
  channel: 'portal',
  text: 'Câu hỏi?',
  status: 'published',
  rejectReason: null,
  createdById: null,
  createdByName: null,
  createdAt: new Date(),
  publishedAt: new Date(),
  answerText: 'Trả lời.',
  answerAuthorName: 'Nguyễn Văn Thành',
  answerAuthorTitle: null,
  answerUpdatedAt: new Date(),
  ...over,
});

describe('Q&A booklet grouping', () => {
  const service = new QaBookletService(undefined as never, undefined as never, undefined as never);

  it('groups rows in order by session, topic and category, numbering across the whole booklet', () => {
    const b = service.build(
      [
        row({ id: 'a' }),
        row({ id: 'b', categoryId: 'c2', categoryName: 'Nguồn lực', anonymous: true }),
        row({ id: 'c', topicId: 't2', topicTitle: 'Chuyển đổi số', categoryId: 'c2', categoryName: 'Nguồn lực' }),
        row({ id: 'd', topicId: null, topicTitle: null, categoryId: null, categoryName: null, askerKind: 'province', traineeId: null, traineeName: null, communeName: null }),
        row({ id: 'e', sessionId: 's2', sessionTitle: 'Lớp Điện Biên' }),
      ],
      'TÀI LIỆU HỎI – ĐÁP',
      'kỳ',
      true,
    );
    expect(b.count).toBe(5);
    expect(b.sessions.map((s) => s.title)).toEqual(['Lớp Lai Châu', 'Lớp Điện Biên']);
    const [s1, s2] = b.sessions;
    expect(s1.topics.map((t) => t.title)).toEqual(['Chuyên đề: Chính quyền hai cấp', 'Chuyên đề: Chuyển đổi số', 'Câu hỏi chung (không thuộc chuyên đề)']);
    expect(s1.topics[0].categories.map((c) => [c.name, c.items.map((i) => i.number)])).toEqual([
      ['Cơ chế, chính sách', [1]],
      ['Nguồn lực', [2]],
    ]);
    expect(s1.topics[0].categories[1].items[0].asker).toBe('ẩn danh');
    expect(s1.topics[2].categories[0]).toMatchObject({ name: 'Chưa phân loại', items: [{ number: 4, asker: 'Tỉnh Lai Châu' }] });
    expect(s2.topics[0].categories[0].items[0].number).toBe(5);
  });

  it('names the asker unless anonymous; staff always see the name', () => {
    expect(publishedAsker(row({}))).toBe('Lò Văn Hỏi (Xã Sin Suối Hồ, Tỉnh Lai Châu)');
    expect(publishedAsker(row({ anonymous: true }))).toBe('ẩn danh');
    expect(internalAsker(row({ anonymous: true }))).toBe('Lò Văn Hỏi (Xã Sin Suối Hồ, Tỉnh Lai Châu)');
    expect(publishedAsker(row({ askerKind: 'commune', traineeId: null, traineeName: null }))).toBe('Xã Sin Suối Hồ, Tỉnh Lai Châu');
  });
});
