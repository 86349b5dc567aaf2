import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { dataSourceOptions } from './database/data-source-options';
import { isEmbeddedUrl } from './database/embedded/embedded-postgres';
import { AllExceptionsFilter } from './common/http-exception.filter';
import { AuthGuard } from './common/auth.guard';
import { CsrfGuard } from './common/csrf.guard';
import { PgThrottlerStorage } from './common/pg-throttler.storage';
import { AuditModule } from './audit/audit.module';
import { UsersModule } from './users/users.module';
import { AuthModule } from './auth/auth.module';
import { ReferenceModule } from './reference/reference.module';
import { HealthModule } from './health/health.module';
import { SetupModule } from './setup/setup.module';
import { TrainingSessionsModule } from './training-sessions/training-sessions.module';
import { HomeModule } from './home/home.module';
import { AttendanceModule } from './attendance/attendance.module';
import { JobsModule } from './jobs/jobs.module';
import { ReportsModule } from './reports/reports.module';
import { TraineesModule } from './trainees/trainees.module';
import { EnrollmentsModule } from './enrollments/enrollments.module';
import { ImportModule } from './import/import.module';
import { PortalModule } from './portal/portal.module';
import { QaModule } from './qa/qa.module';
import { CertificatesModule } from './certificates/certificates.module';
import { verifyThrottler } from './certificates/verify-throttler';
import { loginThrottlers } from './auth/login-throttler.guard';

@Global()
@Module({})
class ConfigHolderModule {
  static register(config: AppConfig): DynamicModule {
    return { module: ConfigHolderModule, providers: [{ provide: APP_CONFIG, useValue: config }, PgThrottlerStorage], exports: [APP_CONFIG, PgThrottlerStorage] };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigHolderModule.register(config),
        // One connection on the embedded database: its socket server cannot serve two at once (see isEmbeddedUrl).
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl, isEmbeddedUrl(databaseUrl) ? 1 : config.dbPoolSize), retryAttempts: 3, retryDelay: 1000 }),
        ThrottlerModule.forRootAsync({
          inject: [PgThrottlerStorage],
          useFactory: (storage: PgThrottlerStorage) => ({
            throttlers: [...loginThrottlers(config), verifyThrottler(config.verifyRateLimit)],
            storage,
          }),
        }),
        // Express tries routes in the order they were registered: the check-in routes, the busiest at the
        // door on an opening morning, are registered first.
        AttendanceModule,
        AuditModule,
        JobsModule,
        UsersModule,
        AuthModule,
        ReferenceModule,
        HealthModule,
        SetupModule,
        TrainingSessionsModule,
        HomeModule,
        ReportsModule,
        TraineesModule,
        EnrollmentsModule,
        ImportModule,
        PortalModule,
        QaModule,
        CertificatesModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: CsrfGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
