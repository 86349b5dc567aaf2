import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { MeApiController } from './me-api.controller';
import { LoginThrottlerGuard } from './login-throttler.guard';

@Module({
  controllers: [AuthController, MeApiController],
  providers: [LoginThrottlerGuard],
})
export class AuthModule {}
