import { PartialType } from '@nestjs/swagger';
import { CreateSessionDto } from './create-session.dto';

/** A partial edit through the API: the fields sent replace the session's, the others are kept. */
export class UpdateSessionDto extends PartialType(CreateSessionDto) {}
