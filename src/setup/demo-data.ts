/**
 * Demo course modelled on the Ministry of Home Affairs training in Lai Châu,
 * September 2025 (shared/seed/lai-chau-training-2025.txt). The title,
 * organiser, host province, date and the four topics come from that report;
 * the lecturers and trainees are fictional.
 */
export const DEMO_PASSWORD = 'TapHuan@2025';

export const DEMO_SESSION = {
  title:
    'Lớp tập huấn về Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi giai đoạn 2021-2025',
  programme: 'Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi',
  organisingUnit: 'Bộ Nội vụ',
  hostProvinceCode: '12',
  hostCommuneCode: '03388',
  venue: 'Hội trường tỉnh Lai Châu, phường Đoàn Kết, tỉnh Lai Châu',
  startDate: '2025-09-25',
  endDate: '2025-09-26',
  capacity: 300,
  description:
    'Hướng dẫn triển khai, thực hiện một số nội dung, nhiệm vụ được phân công liên quan đến ngành Nội vụ trong Chương trình; giải đáp những khó khăn, vướng mắc liên quan trực tiếp đến cấp xã, phường khi thực hiện mô hình chính quyền địa phương hai cấp. Dành cho cán bộ, công chức cấp xã của 15 tỉnh miền núi phía Bắc.',
};

/**
 * The demo course's certificate settings, saved so that certificates can be issued at once
 * (issuing is refused until a signer is named). The signer is fictional.
 */
export const DEMO_CERTIFICATE = {
  issuerParent: 'Bộ Nội vụ',
  issuerName: 'Vụ Chính quyền địa phương',
  issuerCode: 'BNV',
  serialFormat: '{n}/{year}/GCN-BNV',
  wording: 'Đã hoàn thành khóa tập huấn',
  placeName: 'Lai Châu',
  signerTitle: 'Vụ trưởng',
  signerName: 'Trần Quốc Khải',
};

export const DEMO_LECTURERS = [
  { email: 'bcv.nguyenvanthanh@taphuan.local', fullName: 'Nguyễn Văn Thành', title: 'Vụ Chính quyền địa phương, Bộ Nội vụ' },
  { email: 'bcv.hoangthilan@taphuan.local', fullName: 'Hoàng Thị Lan', title: 'Vụ Công tác dân tộc, Bộ Nội vụ' },
];

export const DEMO_ORGANISER = { email: 'btc@taphuan.local', fullName: 'Phạm Minh Đức', title: 'Ban tổ chức lớp tập huấn' };

/** Agenda: [day index, part, start, end, kind, title, lecturer index or null]. */
export const DEMO_AGENDA: [number, 'morning' | 'afternoon', string, string, string, string, number | null][] = [
  [0, 'morning', '07:30', '08:00', 'opening', 'Khai mạc Hội nghị; phát biểu chào mừng của lãnh đạo UBND tỉnh Lai Châu', null],
  [0, 'morning', '08:00', '11:30', 'topic', 'Kết quả triển khai giai đoạn I: Từ năm 2021-2025 của Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi; Phương hướng, nhiệm vụ và giải pháp triển khai giai đoạn 2026-2030 trong bối cảnh chính quyền địa phương 2 cấp', 0],
  [0, 'afternoon', '13:30', '17:00', 'topic', 'Hệ thống thông tin quản lý Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi giai đoạn 2021-2030; những vấn đề cần quan tâm thực hiện', 0],
  [1, 'morning', '07:30', '11:30', 'topic', 'Thực trạng đội ngũ cán bộ, công chức là người dân tộc thiểu số trong cơ quan hành chính Nhà nước các cấp; những vấn đề đặt ra, giải pháp và kiến nghị; đội ngũ cán bộ, công chức trong bối cảnh mô hình chính quyền địa phương 2 cấp', 1],
  [1, 'afternoon', '13:30', '15:30', 'topic', 'Đánh giá hệ thống pháp luật liên quan đến dân tộc và công tác dân tộc của Đảng, Nhà nước trong thời gian qua', 1],
  [1, 'afternoon', '15:30', '17:00', 'discussion', 'Trao đổi, thảo luận, giải đáp khó khăn, vướng mắc, chia sẻ kinh nghiệm trong quá trình triển khai thực hiện Chương trình', null],
];

/** [full name, gender, date of birth, ethnic code, position, commune code, phone, email]. */
export const DEMO_TRAINEES: [string, 'male' | 'female', string, string, string, string, string | null, string | null][] = [
  ['Lò Văn Pó', 'male', '1984-03-12', '03', 'Chủ tịch UBND xã', '03394', '0912345601', null],
  ['Vàng Thị Mỷ', 'female', '1990-07-02', '08', 'Công chức Văn phòng - Thống kê', '03478', '0912345602', 'vangthimy@example.vn'],
  ['Tẩn Láo Lở', 'male', '1987-11-20', '09', 'Phó Chủ tịch UBND xã', '03445', '0912345603', null],
  ['Giàng A Dình', 'male', '1992-01-15', '08', 'Công chức Nội vụ', '03160', null, null],
  ['Hoàng Thị Mai', 'female', '1988-05-30', '02', 'Công chức Văn hóa - Xã hội', '01321', '0912345605', 'hoangthimai@example.vn'],
  ['Sùng Mí Chá', 'male', '1985-09-09', '08', 'Chủ tịch UBND xã', '00721', '0912345606', null],
  ['Lù Thị Ngọc', 'female', '1993-12-01', '03', 'Công chức Tài chính - Kế toán', '03808', '0912345607', null],
  ['Nông Văn Hải', 'male', '1982-04-18', '02', 'Phó Chủ tịch UBND xã', '02839', '0912345608', 'nongvanhai@example.vn'],
];
