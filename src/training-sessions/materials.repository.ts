import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Material } from './material.entity';

export interface SessionMaterialRow extends Material {
  topicTitle: string;
  topicPosition: number;
}

@Injectable()
export class MaterialsRepository {
  constructor(@InjectRepository(Material) private readonly repo: Repository<Material>) {}

  findById(id: string): Promise<Material | null> {
    return this.repo.findOne({ where: { id }, relations: { topic: true } });
  }

  /** Every version of every material of a topic: series by first upload, newest version first. */
  listForTopic(topicId: string): Promise<Material[]> {
    return this.repo
      .createQueryBuilder('m')
      .leftJoinAndSelect('m.uploadedBy', 'u')
      .where('m.topic_id = :topicId', { topicId })
      .orderBy('m.series_id', 'ASC')
      .addOrderBy('m.version', 'DESC')
      .getMany();
  }

  /** Current (latest) version of each material of a session, by agenda order. */
  async currentForSession(sessionId: string): Promise<SessionMaterialRow[]> {
    const rows = await this.repo.query(
      `SELECT DISTINCT ON (m.series_id)
              m.id, m.topic_id AS "topicId", m.series_id AS "seriesId", m.version, m.title, m.original_name AS "originalName",
              m.content_type AS "contentType", m.size::text AS size, m.sha256, m.storage_key AS "storageKey",
              m.created_at AS "createdAt", t.title AS "topicTitle", t.position AS "topicPosition"
         FROM materials m JOIN topics t ON t.id = m.topic_id
        WHERE t.session_id = $1
        ORDER BY m.series_id, m.version DESC`,
      [sessionId],
    );
    return rows;
  }

  /** Number of versions kept per topic of a session (all versions). */
  async countVersionsBySession(sessionId: string): Promise<Map<string, number>> {
    const rows: { topicId: string; n: number }[] = await this.repo.query(
      `SELECT m.topic_id AS "topicId", count(*)::int AS n FROM materials m JOIN topics t ON t.id = m.topic_id WHERE t.session_id = $1 GROUP BY m.topic_id`,
      [sessionId],
    );
    return new Map(rows.map((r) => [r.topicId, Number(r.n)]));
  }

  async latestOfSeries(seriesId: string, m: EntityManager): Promise<Material | null> {
    return m.getRepository(Material).findOne({ where: { seriesId }, order: { version: 'DESC' } });
  }

  /**
   * The current version (latest of its series) of a topic's material with these bytes, if any; the
   * topic's row is locked first, so that two uploads of the same file at once see each other.
   */
  async lockTopicAndFindCurrentCopy(topicId: string, sha256: string, m: EntityManager): Promise<Material | null> {
    await m.query(`SELECT id FROM topics WHERE id = $1 FOR UPDATE`, [topicId]);
    const [row] = await m.query(
      `SELECT id FROM (SELECT DISTINCT ON (series_id) id, sha256 FROM materials WHERE topic_id = $1 ORDER BY series_id, version DESC) cur WHERE sha256 = $2 LIMIT 1`,
      [topicId, sha256],
    );
    return row ? m.getRepository(Material).findOneBy({ id: row.id }) : null;
  }

  async insert(row: Partial<Material>, m: EntityManager): Promise<Material> {
    return m.getRepository(Material).save(m.getRepository(Material).create(row));
  }
}
