/*
 * mr_tzcache: the VTIMEZONEs libical made, kept in the database.
 *
 * A calendar writes each zone it uses as a VTIMEZONE, which only libical
 * makes (from the system's tzdata); loading libical brings ICU and the C++
 * runtime, whose relocation alone costs more than the sqlite3 shell's
 * whole run.  The text depends on nothing but the zone's TZif file, the
 * year the rules are cut from and the code that made it, so it is kept
 * under exactly that key: a calendar written again takes the text from
 * here and never loads libical.  A tzdata update changes the file's
 * SHA-256, a libical or mipsreview upgrade changes the maker: either
 * makes a new text (which replaces the old one) rather than reuse it.
 *
 * The text kept is checked before it is used (its SHA-256 over the key and
 * the text, and its shape: one VTIMEZONE naming the zone); anything else
 * is ignored and libical makes the zone again.  Keeping is best-effort: a
 * database that cannot be written now (read-only, locked, inside a
 * transaction) keeps nothing and the calendar is the same.
 */
#ifndef MR_TZCACHE_H
#define MR_TZCACHE_H

struct mr_store;

/* Where libical and the C library read the zones (libical ignores $TZDIR). */
#define MR_TZCACHE_ZONEINFO	"/usr/share/zoneinfo"

struct mr_tzcache_key {
	char		 zone[64];	/* IANA name */
	int		 first_year;	/* the rules from 1 January of it */
	unsigned char	 tzif[32];	/* SHA-256 of the zone's TZif file */
	char		 maker[128];	/* this program's and libical's versions */
};

/*
 * The key of zone's VTIMEZONE cut from first_year, its TZif file read
 * from the folder zoneinfo (MR_TZCACHE_ZONEINFO but in tests).  -1 when
 * the name is no plain zone name or its file cannot be read: nothing is
 * then kept or looked up.
 */
int	mr_tzcache_key(const char *zoneinfo, const char *zone, int first_year,
	    struct mr_tzcache_key *out);

/*
 * The VTIMEZONE kept under key (malloc'd, the caller frees), or NULL when
 * none is kept, the one kept was made under another key, or it fails its
 * checks.
 */
char	*mr_tzcache_get(struct mr_store *, const struct mr_tzcache_key *);

/*
 * Keep text (a VTIMEZONE as libical wrote it) under key, replacing the
 * zone's text for that year.  Never waits for a lock and never fails: 0 if
 * kept, -1 if not (the database cannot be written now).
 */
int	mr_tzcache_put(struct mr_store *, const struct mr_tzcache_key *,
	    const char *text);

#endif /* MR_TZCACHE_H */
