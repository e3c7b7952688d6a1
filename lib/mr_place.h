/*
 * mr_place: where a database lives, who may share it, and whether that
 * place is safe to use.
 *
 * A database is either private to its owner (files 0600, folders 0700: a
 * personal database, the per-user default or one given with --db), or
 * shared by a group (an office's database in a folder that is setgid and
 * group-writable, as /var/lib/mipsreview, mode 2770, group mipsreview):
 * then every member reads and writes it, files are 0660 (evidence 0640)
 * and nobody outside the group can read anything.  The folder says which.
 *
 * Before a database is opened its place is checked as ssh's StrictModes
 * checks a user's files: a folder other users may write, files others may
 * read, a private file or evidence folder of another user, a shared place
 * the caller is not a member of are refused with the fix in the message.
 */
#ifndef MR_PLACE_H
#define MR_PLACE_H

#include <sys/types.h>

#include "lib/mr_err.h"

enum mr_sharing {
	MR_SHARE_PRIVATE = 0,	/* the owner alone */
	MR_SHARE_GROUP,		/* the members of the folder's group */
};

/* The group an installed system shares its database with. */
#define MR_SYSTEM_GROUP "mipsreview"

struct mr_place {
	char		 folder[4096];	/* the database's folder */
	enum mr_sharing	 sharing;
	gid_t		 gid;		/* the folder's group */
	int		 exists;	/* the database file exists */
};

/*
 * Check the place of the database at path and fill *out.  Refuses (-1,
 * MR_EDB, the fix in the message) a missing folder, a folder any user may
 * write, a private folder or file of another user or one that others may
 * read, a shared folder whose group the caller is not in (root always
 * is), a shared file of another group or that others may read, and an
 * evidence folder beside it that breaks the same rules.
 */
int	mr_place_check(const char *path, struct mr_place *out, struct mr_err *);

/*
 * The sharing of the database at path as its folder decides it (the rule
 * of mr_place_check, without checking the files), with the folder's group:
 * for the files kept beside a database already opened.
 */
int	mr_place_sharing_of(const char *path, struct mr_place *out,
	    struct mr_err *);
/*
 * A secret kept beside the database (a key file; what names it, risk says
 * what a reader could do with it), open as fd: refused (MR_EDB, the file
 * and the command that fixes it in the message) when anyone the database
 * is not shared with may read or write it: anyone but its owner for a
 * private database, anyone outside the folder's group for a shared one.
 */
int	mr_place_check_secret(const struct mr_place *, const char *path,
	    const char *what, const char *risk, int fd, struct mr_err *);

/* The modes new files and folders get under a sharing. */
mode_t	mr_place_file_mode(enum mr_sharing);	/* 0600 or 0660 */
mode_t	mr_place_evidence_mode(enum mr_sharing);	/* 0600 or 0640 */
mode_t	mr_place_folder_mode(enum mr_sharing);	/* 0700 or 02770 */

/* The name of the folder's group (its number if it has none), looked
 * up only when asked: most commands never need it. */
void	mr_place_group_name(const struct mr_place *, char *buf, size_t len);

/* "private" or "group". */
const char *mr_place_sharing_name(enum mr_sharing);

#endif /* MR_PLACE_H */
