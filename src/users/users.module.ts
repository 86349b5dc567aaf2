import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from './user.entity';
import { TraineesModule } from '../trainees/trainees.module';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { AdminUsersController } from './admin-users.controller';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([User]), TraineesModule],
  controllers: [AdminUsersController],
  providers: [UsersRepository, UsersService],
  exports: [UsersService],
})
export class UsersModule {}
