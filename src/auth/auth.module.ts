import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { LoginThrottlerGuard } from './login-throttler.guard';

@Module({
  controllers: [AuthController],
  providers: [LoginThrottlerGuard],
})
export class AuthModule {}
