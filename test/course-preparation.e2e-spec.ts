import { bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture, createTraineeFixture, enrollFixture } from './support/fixtures';
import { login, pageText, submitForm } from './support/http';

/** An organiser in a provincial office preparing a course: lists, cloning, the enrolment list and portal accounts. */
describe('course preparation by an organiser', () => {
  let t: TestApp;
  let org: ReturnType<TestApp['agent']>;

  beforeAll(async () => {
    t = await bootApp();
    const organiser = await createUser(t, 'organiser');
    org = t.agent();
    await login(org, organiser.login, organiser.password);
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows the last page of the trainee directory and of the course list for a page number past the end, not an empty page', async () => {
    const commune = '03394';
    const names: string[] = [];
    for (let i = 0; i < 55; i++) names.push((await createTraineeFixture(t, { fullName: `Quàng Văn Trang ${String(i).padStart(2, '0')}`, communeCode: commune })).fullName);
    const directory = await org.get('/trainees?page=99999&q=quang van trang').expect(200);
    const text = pageText(directory.text);
    expect(text).not.toContain('Không có học viên nào phù hợp.');
    expect(text).toContain('Trang 2 / 2');
    expect(text).toContain('Quàng Văn Trang 54');
    expect(directory.text).toContain('href="?page=1&amp;q&#x3D;quang+van+trang"');

    for (let i = 0; i < 21; i++) await createSessionFixture(t, { title: `Lớp bồi dưỡng cán bộ xã đợt ${String(i).padStart(2, '0')}` });
    const sessions = await org.get('/sessions?page=500&q=boi duong can bo xa').expect(200);
    const listed = pageText(sessions.text);
    expect(listed).not.toContain('Chưa có lớp tập huấn nào.');
    expect(listed).toContain('Trang 2 / 2');
    expect(listed).toMatch(/Lớp bồi dưỡng cán bộ xã đợt \d\d/);
    // The links between the pages of a search keep the search.
    expect(sessions.text).toContain('href="?page=1&amp;q&#x3D;boi+duong+can+bo+xa"');
    const first = await org.get('/sessions?q=boi duong can bo xa').expect(200);
    expect(first.text).toContain('href="?page=2&amp;q&#x3D;boi+duong+can+bo+xa"');
  });
});
