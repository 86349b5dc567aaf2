import { venueWithProvince } from './venue-line';

describe('venueWithProvince', () => {
  it('names the host province once, whatever the venue’s case or accents', () => {
    expect(venueWithProvince('Hội trường UBND phường Đoàn Kết, tỉnh Lai Châu', 'Tỉnh Lai Châu')).toBe('Hội trường UBND phường Đoàn Kết, tỉnh Lai Châu');
    expect(venueWithProvince('HỘI TRƯỜNG UBND TỈNH LAI CHÂU', 'Tỉnh Lai Châu')).toBe('HỘI TRƯỜNG UBND TỈNH LAI CHÂU');
    expect(venueWithProvince('Hoi truong UBND tinh Lai Chau', 'Tỉnh Lai Châu')).toBe('Hoi truong UBND tinh Lai Chau');
    expect(venueWithProvince('Khách sạn Mường Thanh, TP Hà Nội', 'Thành phố Hà Nội')).toBe('Khách sạn Mường Thanh, TP Hà Nội');
  });

  it('adds the province when the venue does not say it', () => {
    expect(venueWithProvince('Hội trường UBND phường Đoàn Kết', 'Tỉnh Lai Châu')).toBe('Hội trường UBND phường Đoàn Kết, Tỉnh Lai Châu');
    expect(venueWithProvince('Trung tâm Hội nghị', null)).toBe('Trung tâm Hội nghị');
    expect(venueWithProvince('Trung tâm Hội nghị', undefined)).toBe('Trung tâm Hội nghị');
  });
});
