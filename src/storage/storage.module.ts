import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LocalDiskStorage } from './local-disk.storage';
import { S3Storage } from './s3.storage';
import { StorageService } from './storage.service';

/** Closes the S3 client's sockets on shutdown. */
@Injectable()
class StorageShutdown implements OnApplicationShutdown {
  constructor(@Inject(StorageService) private readonly storage: StorageService) {}
  onApplicationShutdown(): void {
    if (this.storage instanceof S3Storage) this.storage.destroy();
  }
}

/** One storage for the app: S3-compatible when S3_BUCKET is set, else DATA_DIR/files. */
@Module({
  providers: [
    {
      provide: StorageService,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): StorageService => (config.s3 ? new S3Storage(config.s3) : new LocalDiskStorage(join(config.dataDir, 'files'))),
    },
    StorageShutdown,
  ],
  exports: [StorageService],
})
export class StorageModule {}
