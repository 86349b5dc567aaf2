import { MigrationInterface } from 'typeorm';
import { InitialSchema1796005228798 } from './1796005228798-InitialSchema';
import { SearchExtensions1796005228799 } from './1796005228799-SearchExtensions';
import { ReferenceData1796005228800 } from './1796005228800-ReferenceData';
import { AppSettingsAndSessions1796005228801 } from './1796005228801-AppSettingsAndSessions';
import { Certificates1796006441627 } from './1796006441627-Certificates';

type MigrationClass = new () => MigrationInterface;

/** Every migration, in order. Keep this list in step with the files in this folder. */
export const MIGRATIONS: MigrationClass[] = [
  InitialSchema1796005228798,
  SearchExtensions1796005228799,
  ReferenceData1796005228800,
  AppSettingsAndSessions1796005228801,
  Certificates1796006441627,
];
