import { Global, Module } from '@nestjs/common';
import { ReferenceApiController, ReferencePagesController } from './reference.controller';
import { ReferenceRepository } from './reference.repository';
import { ReferenceService } from './reference.service';

@Global()
@Module({
  controllers: [ReferencePagesController, ReferenceApiController],
  providers: [ReferenceRepository, ReferenceService],
  exports: [ReferenceService],
})
export class ReferenceModule {}
