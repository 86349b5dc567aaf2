import { Province } from '../reference/province.entity';
import { Commune } from '../reference/commune.entity';
import { CommuneChange } from '../reference/commune-change.entity';
import { EthnicGroup } from '../reference/ethnic-group.entity';
import { User } from '../users/user.entity';
import { TrainingSession } from '../training-sessions/training-session.entity';
import { Sitting } from '../training-sessions/sitting.entity';
import { Topic } from '../training-sessions/topic.entity';
import { Material } from '../training-sessions/material.entity';
import { Trainee } from '../trainees/trainee.entity';
import { Enrollment } from '../enrollments/enrollment.entity';
import { EnrollmentTokenAlias } from '../enrollments/enrollment-token-alias.entity';
import { AttendanceMark } from '../attendance/attendance-mark.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { AppSetting } from '../setup/app-setting.entity';
import { ImportBatch } from '../import/import-batch.entity';
import { QuestionCategory } from '../qa/question-category.entity';
import { Question } from '../qa/question.entity';
import { Answer } from '../qa/answer.entity';
import { Certificate } from '../certificates/certificate.entity';
import { CertificateTemplate } from '../certificates/certificate-template.entity';
import { CertificateSerialCounter } from '../certificates/certificate-serial-counter.entity';
import { CertificateRun } from '../certificates/certificate-run.entity';

/** Every entity of the app; the migration check compares these with the migrated schema. */
export const ENTITIES = [
  Province,
  Commune,
  CommuneChange,
  EthnicGroup,
  User,
  TrainingSession,
  Sitting,
  Topic,
  Material,
  Trainee,
  Enrollment,
  EnrollmentTokenAlias,
  AttendanceMark,
  AuditEntry,
  AppSetting,
  ImportBatch,
  QuestionCategory,
  Question,
  Answer,
  Certificate,
  CertificateTemplate,
  CertificateSerialCounter,
  CertificateRun,
];
