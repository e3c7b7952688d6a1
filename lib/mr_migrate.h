/*
 * mr_migrate: the schema, embedded at build time from sql/ by
 * build-aux/embed-sql.sh.  Version 1 is sql/schema.sql; version N > 1 is
 * sql/NNN_<what>.sql and upgrades a version N-1 database.
 */
#ifndef MR_MIGRATE_H
#define MR_MIGRATE_H

struct mr_migration {
	int		 version;
	const char	*name;
	const char	*sql;
};

/* Ordered by version, ended by { 0, NULL, NULL }. */
extern const struct mr_migration mr_migrations[];

#endif /* MR_MIGRATE_H */
