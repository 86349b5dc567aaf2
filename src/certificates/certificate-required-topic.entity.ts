import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Topic } from '../training-sessions/topic.entity';

/**
 * A topic of a session that the certificate rule requires: the trainee must
 * have attended the sitting it is taught in. The foreign key names the topic
 * and its session together, so a topic of another session cannot be stored,
 * and a topic removed from the agenda leaves the rule with it (cascade).
 */
@Entity('certificate_required_topics')
export class CertificateRequiredTopic {
  @PrimaryColumn({ type: 'uuid' })
  sessionId: string;

  @PrimaryColumn({ type: 'uuid' })
  topicId: string;

  @ManyToOne(() => Topic, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'topic_id', referencedColumnName: 'id' },
    { name: 'session_id', referencedColumnName: 'sessionId' },
  ])
  topic?: Topic;
}
