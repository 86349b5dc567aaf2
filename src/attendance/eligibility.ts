import type { AttendanceTally } from './attendance-summary.service';
import type { MarkStatus } from './attendance-mark.entity';

/** A topic (chuyên đề) the organiser made required for the certificate. */
export interface RequiredTopic {
  id: string;
  title: string;
  /** The sitting it is taught in; null while it is not scheduled (then nobody can attend it, and it is not counted). */
  sittingId: string | null;
}

/**
 * The certificate rule of a session: training_sessions.min_attendance_percent
 * and excused_counts, and the required topics (topics.required_for_certificate).
 * Attendance judges it for its summary and exports, certificates for issuing.
 */
export interface EligibilityRule {
  minAttendancePercent: number;
  /** Whether an excused absence counts as attended: for the share of sittings and for a required topic's sitting alike. */
  excusedCounts: boolean;
  requiredTopics?: readonly RequiredTopic[];
}

export interface Eligibility {
  eligible: boolean;
  attended: number;
  required: number;
  sittings: number;
  /** Scheduled required topics whose sitting the trainee did not attend, in agenda order. */
  missingTopics: { id: string; title: string }[];
  /** Vietnamese reason, e.g. "Có mặt 5/8 buổi, cần 7" or "Có mặt 7/8 buổi, cần 7; vắng chuyên đề bắt buộc: …". */
  reason: string;
}

/** What the rule needs to know of one enrolment; `marks` (mark by sitting id) only matters with required topics. */
export type EligibilityInput = Pick<AttendanceTally, 'sittings' | 'present' | 'late' | 'excused'> & { marks?: Readonly<Record<string, MarkStatus>> };

/** Sittings needed for a share of `percent` of `sittings` (rounded up: 80 % of 8 is 7). */
export function requiredSittings(sittings: number, percent: number): number {
  return Math.max(0, Math.ceil((sittings * percent) / 100 - 1e-9));
}

/** Whether a mark counts as attended: present and late always, excused when the rule says so. */
export function countsAsAttended(status: MarkStatus | undefined, rule: Pick<EligibilityRule, 'excusedCounts'>): boolean {
  return status === 'present' || status === 'late' || (rule.excusedCounts && status === 'excused');
}

/**
 * Decides one enrolment: present and late count; excused ones too when the
 * rule says so. With required topics, the trainee must also have attended
 * (by the same measure) the sitting in which each scheduled required topic
 * is taught; a required topic not scheduled in any sitting is not counted.
 */
export function evaluateEligibility(t: EligibilityInput, rule: EligibilityRule): Eligibility {
  const attended = t.present + t.late + (rule.excusedCounts ? t.excused : 0);
  const required = requiredSittings(t.sittings, rule.minAttendancePercent);
  if (t.sittings === 0) {
    return { eligible: false, attended, required, sittings: 0, missingTopics: [], reason: 'Lớp chưa có buổi học nào' };
  }
  const scheduled = (rule.requiredTopics ?? []).filter((x) => x.sittingId !== null);
  const missingTopics = scheduled.filter((x) => !countsAsAttended(t.marks?.[x.sittingId!], rule)).map(({ id, title }) => ({ id, title }));
  const counted = rule.excusedCounts && t.excused > 0 ? ` (tính cả ${t.excused} buổi vắng có phép)` : '';
  const share = `${attended}/${t.sittings} buổi${counted}, cần ${required}`;
  const eligible = attended >= required && missingTopics.length === 0;
  let reason: string;
  if (eligible) {
    reason = `Đủ điều kiện: có mặt ${share}${scheduled.length ? `; dự đủ ${scheduled.length} chuyên đề bắt buộc` : ''}`;
  } else {
    // Titles may hold commas: they are listed last, one after another with semicolons.
    const missing = missingTopics.length ? `; vắng chuyên đề bắt buộc: ${missingTopics.map((x) => x.title).join('; ')}` : '';
    reason = `Có mặt ${share}${missing}`;
  }
  return { eligible, attended, required, sittings: t.sittings, missingTopics, reason };
}

/** The rule of a session from its settings and its agenda's topics (those flagged required, in the order given). */
export function ruleOf(
  session: Pick<EligibilityRule, 'minAttendancePercent' | 'excusedCounts'>,
  topics: readonly (RequiredTopic & { requiredForCertificate: boolean })[],
): EligibilityRule & { requiredTopics: RequiredTopic[] } {
  return {
    minAttendancePercent: session.minAttendancePercent,
    excusedCounts: session.excusedCounts,
    requiredTopics: topics.filter((t) => t.requiredForCertificate).map((t) => ({ id: t.id, title: t.title, sittingId: t.sittingId })),
  };
}
