import { MigrationInterface } from 'typeorm';
import { InitialSchema1796005228798 } from './1796005228798-InitialSchema';
import { SearchExtensions1796005228799 } from './1796005228799-SearchExtensions';
import { ReferenceData1796005228800 } from './1796005228800-ReferenceData';
import { AppSettingsAndSessions1796005228801 } from './1796005228801-AppSettingsAndSessions';
import { RateLimits1796005228802 } from './1796005228802-RateLimits';
import { AttendanceClientScanId1796006376248 } from './1796006376248-AttendanceClientScanId';
import { ImportBatches1796006422197 } from './1796006422197-ImportBatches';
import { QaQuestions1796006406094 } from './1796006406094-QaQuestions';
import { QaSearchAndCategories1796006406095 } from './1796006406095-QaSearchAndCategories';
import { Certificates1796006441627 } from './1796006441627-Certificates';
import { RequiredTopics1796016497623 } from './1796016497623-RequiredTopics';
import { RequiredTopicsOnTopics1796019221311 } from './1796019221311-RequiredTopicsOnTopics';
import { LeanerImportAndEnrollments1796024198280 } from './1796024198280-LeanerImportAndEnrollments';
import { CertificatesFollowMergedTrainees1796031000000 } from './1796031000000-CertificatesFollowMergedTrainees';
import { SignInCodeUsedAt1796031415926 } from './1796031415926-SignInCodeUsedAt';
import { LeanerTraineeIndexes1796040000000 } from './1796040000000-LeanerTraineeIndexes';
import { SignInCodeIndex1796045000000 } from './1796045000000-SignInCodeIndex';
import { EnrollmentTokenAliases1796050000000 } from './1796050000000-EnrollmentTokenAliases';
import { CertificateRunIssuedElsewhere1796060000000 } from './1796060000000-CertificateRunIssuedElsewhere';
import { CertificateRunStalled1796060000001 } from './1796060000001-CertificateRunStalled';
import { UserNameSearch1796070000000 } from './1796070000000-UserNameSearch';
import { SessionPublishedAt1796070000001 } from './1796070000001-SessionPublishedAt';
import { AuditLogAppendOnly1796070000002 } from './1796070000002-AuditLogAppendOnly';
import { ImportBatchSheet1796080000000 } from './1796080000000-ImportBatchSheet';

type MigrationClass = new () => MigrationInterface;

/** Every migration, in order. Keep this list in step with the files in this folder. */
export const MIGRATIONS: MigrationClass[] = [
  InitialSchema1796005228798,
  SearchExtensions1796005228799,
  ReferenceData1796005228800,
  AppSettingsAndSessions1796005228801,
  RateLimits1796005228802,
  AttendanceClientScanId1796006376248,
  QaQuestions1796006406094,
  QaSearchAndCategories1796006406095,
  ImportBatches1796006422197,
  Certificates1796006441627,
  RequiredTopics1796016497623,
  RequiredTopicsOnTopics1796019221311,
  LeanerImportAndEnrollments1796024198280,
  CertificatesFollowMergedTrainees1796031000000,
  SignInCodeUsedAt1796031415926,
  LeanerTraineeIndexes1796040000000,
  SignInCodeIndex1796045000000,
  EnrollmentTokenAliases1796050000000,
  CertificateRunIssuedElsewhere1796060000000,
  CertificateRunStalled1796060000001,
  UserNameSearch1796070000000,
  SessionPublishedAt1796070000001,
  AuditLogAppendOnly1796070000002,
  ImportBatchSheet1796080000000,
];
