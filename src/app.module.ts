import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { dataSourceOptions } from './database/data-source-options';
import { AllExceptionsFilter } from './common/http-exception.filter';
import { AuthGuard } from './common/auth.guard';
import { CsrfGuard } from './common/csrf.guard';
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
import { CertificatesModule } from './certificates/certificates.module';
import { verifyThrottler } from './certificates/verify-throttler';

@Global()
@Module({})
class ConfigHolderModule {
  static register(config: AppConfig): DynamicModule {
    return { module: ConfigHolderModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigHolderModule.register(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl), retryAttempts: 3, retryDelay: 1000 }),
        ThrottlerModule.forRoot({ throttlers: [{ name: 'login', ttl: config.loginRateLimit.ttlSeconds * 1000, limit: config.loginRateLimit.limit }, verifyThrottler()] }),
        AuditModule,
        JobsModule,
        UsersModule,
        AuthModule,
        ReferenceModule,
        HealthModule,
        SetupModule,
        TrainingSessionsModule,
        HomeModule,
        AttendanceModule,
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
