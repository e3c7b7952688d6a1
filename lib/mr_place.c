/*
 * mr_place: the sharing of a database's folder, and StrictModes-like
 * checks of its files before they are used (see mr_place.h).
 *
 * A place that others can write lets them plant a -wal file the next
 * writer fills with whole TINs, or swap the database; a file others can
 * read hands them the TINs.  Refusing such a place, with the command that
 * fixes it, costs a few stat() calls per command.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/mr_place.h"

mode_t
mr_place_file_mode(enum mr_sharing s)
{
	return s == MR_SHARE_GROUP ? 0660 : 0600;
}

mode_t
mr_place_evidence_mode(enum mr_sharing s)
{
	return s == MR_SHARE_GROUP ? 0640 : 0600;
}

mode_t
mr_place_folder_mode(enum mr_sharing s)
{
	return s == MR_SHARE_GROUP ? 02770 : 0700;
}

const char *
mr_place_sharing_name(enum mr_sharing s)
{
	return s == MR_SHARE_GROUP ? "group" : "private";
}

static void
user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%lu", (unsigned long)uid);
}

static void
group_name(gid_t gid, char *buf, size_t len)
{
	struct group *gr = getgrgid(gid);

	if (gr != NULL)
		snprintf(buf, len, "%s", gr->gr_name);
	else
		snprintf(buf, len, "%lu", (unsigned long)gid);
}

void
mr_place_group_name(const struct mr_place *pl, char *buf, size_t len)
{
	group_name(pl->gid, buf, len);
}

/* 1 if the calling process has gid among its groups. */
static int
in_group(gid_t gid)
{
	gid_t list[256];
	int n;

	if (getegid() == gid)
		return 1;
	if ((n = getgroups((int)(sizeof list / sizeof list[0]), list)) == -1)
		return 0;
	for (int i = 0; i < n; i++)
		if (list[i] == gid)
			return 1;
	return 0;
}

/*
 * One file or folder of the place (what: "database", "evidence folder"),
 * checked against the sharing.  A missing one is fine.
 */
static int
check_entry(const struct mr_place *pl, const char *path, const char *what,
    int is_dir, struct mr_err *err)
{
	struct stat sb;
	char owner[64], grp[64], ours[64], me[64];
	mode_t perm;

	if (lstat(path, &sb) == -1)
		return errno == ENOENT ? 0 : mr_err_set(err, MR_EDB,
		    "cannot check the %s '%s': %s", what, path, strerror(errno));
	perm = sb.st_mode & 07777;
	if (is_dir && !S_ISDIR(sb.st_mode))
		return mr_err_set(err, MR_EDB, "the %s '%s' is not a folder; "
		    "move it away", what, path);
	if (!is_dir && !S_ISREG(sb.st_mode))
		return mr_err_set(err, MR_EDB, "the %s '%s' is not a regular "
		    "file; move it away", what, path);
	if (pl->sharing == MR_SHARE_PRIVATE) {
		if (sb.st_uid != geteuid()) {
			user_name(sb.st_uid, owner, sizeof owner);
			user_name(geteuid(), me, sizeof me);
			return mr_err_set(err, MR_EDB, "refusing the %s '%s': it "
			    "belongs to user %s, not to you (%s); run mipsreview "
			    "as %s, or move it away", what, path, owner, me,
			    owner);
		}
		if (perm & 077)
			return mr_err_set(err, MR_EDB, "refusing the %s '%s': "
			    "other users may %s it (mode %04o); fix it with "
			    "'chmod %s %s'", what, path, (perm & 022) ? "write" :
			    "read", (unsigned)perm, is_dir ? "700" : "600", path);
		return 0;
	}
	if (sb.st_gid != pl->gid) {
		group_name(sb.st_gid, grp, sizeof grp);
		group_name(pl->gid, ours, sizeof ours);
		return mr_err_set(err, MR_EDB, "refusing the %s '%s': it belongs "
		    "to group %s, not to %s, which shares '%s'; fix it with "
		    "'chgrp %s%s %s'", what, path, grp, ours, pl->folder,
		    is_dir ? "-R " : "", ours, path);
	}
	if (perm & 007) {
		group_name(pl->gid, ours, sizeof ours);
		return mr_err_set(err, MR_EDB, "refusing the %s '%s': users "
		    "outside group %s may %s it (mode %04o); fix it with "
		    "'chmod o-rwx %s'", what, path, ours, (perm & 002) ?
		    "write" : "read", (unsigned)perm, path);
	}
	return 0;
}

int
mr_place_sharing_of(const char *path, struct mr_place *pl, struct mr_err *err)
{
	const char *slash = strrchr(path, '/');
	struct stat sb;
	mode_t perm;
	int n;

	memset(pl, 0, sizeof *pl);
	if (slash == NULL)
		n = snprintf(pl->folder, sizeof pl->folder, ".");
	else if (slash == path)
		n = snprintf(pl->folder, sizeof pl->folder, "/");
	else
		n = snprintf(pl->folder, sizeof pl->folder, "%.*s",
		    (int)(slash - path), path);
	if (n < 0 || (size_t)n >= sizeof pl->folder)
		return mr_err_set(err, MR_EDB, "the database path '%s' is too "
		    "long", path);
	if (stat(pl->folder, &sb) == -1)
		return mr_err_set(err, MR_EDB, "cannot use the database folder "
		    "'%s': %s", pl->folder, strerror(errno));
	perm = sb.st_mode & 07777;
	pl->gid = sb.st_gid;
	pl->sharing = (perm & S_ISGID) && (perm & S_IWGRP) ? MR_SHARE_GROUP :
	    MR_SHARE_PRIVATE;
	pl->exists = access(path, F_OK) == 0;
	return 0;
}

int
mr_place_check_secret(const struct mr_place *pl, const char *path,
    const char *what, const char *risk, int fd, struct mr_err *err)
{
	struct stat sb;
	char grp[64], ours[64];
	mode_t perm, others;

	if (fstat(fd, &sb) == -1)
		return mr_err_set(err, MR_EDB, "cannot check the %s '%s': %s",
		    what, path, strerror(errno));
	perm = sb.st_mode & 07777;
	others = perm & 007;
	if (pl->sharing == MR_SHARE_PRIVATE && (perm & 077)) {
		mode_t bits = others ? others : (perm & 070) >> 3;

		return mr_err_set(err, MR_EDB, "refusing the %s '%s': %s may "
		    "%s it (mode %04o): with it one %s; fix it with 'chmod 600 "
		    "%s'", what, path, others ? "other users" : "its group",
		    (bits & 4) ? "read" : "write", (unsigned)perm, risk, path);
	}
	if (pl->sharing == MR_SHARE_PRIVATE)
		return 0;
	if (others) {
		group_name(pl->gid, ours, sizeof ours);
		return mr_err_set(err, MR_EDB, "refusing the %s '%s': users "
		    "outside group %s may %s it (mode %04o): with it one %s; fix "
		    "it with 'chmod 640 %s'", what, path, ours, (others & 4) ?
		    "read" : "write", (unsigned)perm, risk, path);
	}
	if ((perm & 070) && sb.st_gid != pl->gid) {
		group_name(sb.st_gid, grp, sizeof grp);
		group_name(pl->gid, ours, sizeof ours);
		return mr_err_set(err, MR_EDB, "refusing the %s '%s': group %s "
		    "may read it (mode %04o), not group %s, which shares the "
		    "database: with it one %s; fix it with 'chgrp %s %s'", what,
		    path, grp, (unsigned)perm, ours, risk, ours, path);
	}
	return 0;
}

int
mr_place_check(const char *path, struct mr_place *pl, struct mr_err *err)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	const char *slash = strrchr(path, '/');
	char file[4096 + 16], me[64], grp[64] = "";
	struct stat sb;
	mode_t perm;
	int n;

	memset(pl, 0, sizeof *pl);
	if (slash == NULL)
		n = snprintf(pl->folder, sizeof pl->folder, ".");
	else if (slash == path)
		n = snprintf(pl->folder, sizeof pl->folder, "/");
	else
		n = snprintf(pl->folder, sizeof pl->folder, "%.*s",
		    (int)(slash - path), path);
	if (n < 0 || (size_t)n >= sizeof pl->folder ||
	    strlen(path) + 16 > sizeof file)
		return mr_err_set(err, MR_EDB, "the database path '%s' is too "
		    "long", path);
	if (stat(pl->folder, &sb) == -1) {
		if (errno == ENOENT)
			return mr_err_set(err, MR_EDB, "cannot use database "
			    "'%s': its folder does not exist; create it ('mkdir "
			    "-m 700 %s', or for an office 'install -d -g %s -m "
			    "2770 %s'), or choose another database with --db",
			    path, pl->folder, MR_SYSTEM_GROUP, pl->folder);
		if (errno == EACCES)
			goto not_member;
		return mr_err_set(err, MR_EDB, "cannot use the database folder "
		    "'%s': %s", pl->folder, strerror(errno));
	}
	if (!S_ISDIR(sb.st_mode))
		return mr_err_set(err, MR_EDB, "the database folder '%s' is not "
		    "a folder", pl->folder);
	perm = sb.st_mode & 07777;
	pl->gid = sb.st_gid;
	if (perm & S_IWOTH)
		return mr_err_set(err, MR_EDB, "refusing the database folder "
		    "'%s': every user may write in it (mode %04o), so another "
		    "could plant or swap its files; keep the database in a "
		    "folder of its own ('mkdir -m 700 DIR', then --db "
		    "DIR/mipsreview.db)", pl->folder, (unsigned)perm);
	/* A setgid, group-writable folder is an office's shared one. */
	pl->sharing = (perm & S_ISGID) && (perm & S_IWGRP) ? MR_SHARE_GROUP :
	    MR_SHARE_PRIVATE;
	if (pl->sharing == MR_SHARE_GROUP) {
		if (geteuid() != 0 && !in_group(sb.st_gid)) {
			group_name(sb.st_gid, grp, sizeof grp);
			goto not_member;
		}
	} else {
		if (sb.st_uid != geteuid() && sb.st_uid != 0) {
			char owner[64];

			user_name(sb.st_uid, owner, sizeof owner);
			user_name(geteuid(), me, sizeof me);
			return mr_err_set(err, MR_EDB, "refusing the database "
			    "folder '%s': it belongs to user %s, not to you (%s); "
			    "for a folder an office shares, make it setgid for "
			    "its group ('chmod 2770 %s')", pl->folder, owner, me,
			    pl->folder);
		}
		if (perm & S_IWGRP) {
			group_name(sb.st_gid, grp, sizeof grp);
			return mr_err_set(err, MR_EDB, "refusing the database "
			    "folder '%s': group %s may write in it (mode %04o); "
			    "fix it with 'chmod g-w %s', or share it with that "
			    "group on purpose ('chmod 2770 %s')", pl->folder,
			    grp, (unsigned)perm, pl->folder, pl->folder);
		}
	}
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(file, sizeof file, "%s%s", path, suffixes[i]);
		if (check_entry(pl, file, "database", 0, err) == -1)
			return -1;
		if (i == 0)
			pl->exists = access(file, F_OK) == 0;
	}
	snprintf(file, sizeof file, "%s/evidence", pl->folder);
	return check_entry(pl, file, "evidence folder", 1, err);

not_member:
	user_name(geteuid(), me, sizeof me);
	return mr_err_set(err, MR_EDB, "you (%s) are not in group %s, which "
	    "shares the database folder '%s': an administrator adds you with "
	    "'adduser %s %s' (then log in again)", me, grp[0] ? grp :
	    MR_SYSTEM_GROUP, pl->folder, me, grp[0] ? grp : MR_SYSTEM_GROUP);
}
