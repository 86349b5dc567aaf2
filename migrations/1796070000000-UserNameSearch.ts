import { MigrationInterface, QueryRunner } from 'typeorm';
import { foldForSearch } from '../src/common/text/vietnamese';

/**
 * The accounts list (`/admin/users`) is searched like the trainee directory: "hoang thi lan" finds
 * "Hoàng Thị Lan". The folded name is computed by the app (the same rule as trainees' `name_search`);
 * existing accounts are folded here. No index: a search reads the accounts table, which holds staff
 * and the trainees given a portal account (thousands, not millions).
 */
export class UserNameSearch1796070000000 implements MigrationInterface {
  name = 'UserNameSearch1796070000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "name_search" text`);
    const rows: { id: string; full_name: string }[] = await q.query(`SELECT id, full_name FROM users`);
    for (let i = 0; i < rows.length; i += 1000) {
      const slice = rows.slice(i, i + 1000).map((r) => ({ id: r.id, folded: foldForSearch(r.full_name) }));
      await q.query(`UPDATE users u SET name_search = x.folded FROM json_to_recordset($1::json) AS x(id uuid, folded text) WHERE u.id = x.id`, [JSON.stringify(slice)]);
    }
    await q.query(`ALTER TABLE "users" ALTER COLUMN "name_search" SET NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "name_search"`);
  }
}
