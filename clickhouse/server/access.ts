/**
 * The warehouse's roles, read from the roles migrations (the `-- cartwheel: server-only` ones:
 * 0006_roles.sql, 0011_personal_data_roles.sql). One source for both kinds of server:
 *
 * - a server whose access storage is writable (a ClickHouse server with `local_directory` or
 *   `replicated` user directories) runs those migrations as SQL: CREATE ROLE, GRANT, REVOKE;
 * - the chDB server keeps users and roles in its users.xml only (SQL CREATE ROLE fails there), so
 *   clickhouse/server/usersXml.ts writes the same roles into `<roles>` from this module, and
 *   migrate() records those migrations without running them.
 *
 * Only the statement shapes the roles migrations use are understood; anything else is an error, so
 * a new roles migration cannot be silently ignored by the users.xml route.
 */
import { listMigrations } from '../migrate';
import { renderSql, splitStatements } from '../sqlFiles';

/** Role name → its GRANT statements (without the `TO role` part), in order. */
export type RoleGrants = Map<string, string[]>;

const CREATE_ROLE = /^CREATE ROLE IF NOT EXISTS (\w+)$/;
const GRANT = /^GRANT (.+) TO (\w+)$/s;
const REVOKE = /^REVOKE (.+) FROM (\w+)$/s;

export function roleGrants(database: string, migrations = listMigrations()): RoleGrants {
  const roles: RoleGrants = new Map();
  for (const migration of migrations.filter((m) => m.serverOnly)) {
    for (const raw of splitStatements(migration.sql)) {
      const statement = renderSql(raw, { database }).replace(/\s+/g, ' ').trim();
      const grantsOf = (role: string) => {
        const grants = roles.get(role);
        if (!grants) throw new Error(`${migration.name}: role ${role} is used before CREATE ROLE`);
        return grants;
      };
      let match: RegExpExecArray | null;
      if ((match = CREATE_ROLE.exec(statement))) {
        if (!roles.has(match[1])) roles.set(match[1], []);
      } else if ((match = GRANT.exec(statement))) {
        grantsOf(match[2]).push(`GRANT ${match[1]}`);
      } else if ((match = REVOKE.exec(statement))) {
        // A revoke takes back exactly an earlier grant; revoking what was never granted changes nothing.
        const grants = grantsOf(match[2]);
        const index = grants.indexOf(`GRANT ${match[1]}`);
        if (index >= 0) grants.splice(index, 1);
      } else {
        throw new Error(`${migration.name}: cannot express "${statement.slice(0, 80)}" in users.xml; extend clickhouse/server/access.ts`);
      }
    }
  }
  return roles;
}

export const loaderRole = (database: string) => `${database}_loader`;
export const analystRole = (database: string) => `${database}_analyst`;
