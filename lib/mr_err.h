/*
 * mr_err: how lib/ reports failure.  A function returns 0 on success, or -1
 * with *err filled in (err may be NULL).  Only cli/ and daemon/ print the
 * message and choose the exit status, once, at the edge.
 */
#ifndef MR_ERR_H
#define MR_ERR_H

enum mr_errcode {
	MR_EOK = 0,
	MR_EFAIL,	/* anything not below: I/O, system, out of memory */
	MR_EINVAL,	/* a value failed validation */
	MR_ENOTFOUND,	/* no such case, window, ... */
	MR_ECONFLICT,	/* refused by the current state: duplicate, illegal transition */
	MR_EDB,		/* the database cannot be opened or used */
	MR_EINTEGRITY,	/* verification found tampering or damage */
	MR_ESEND,	/* delivery (mail) failed */
	MR_ENET,	/* a server could not be reached, or kept failing */
	MR_ETLS,	/* a server's certificate was refused */
	MR_EREMOTE,	/* a server answered something unexpected */
};

struct mr_err {
	enum mr_errcode	 code;
	char		 msg[512];
};

/* Fill *err (if not NULL) with code and a printf-style message; returns -1. */
int	mr_err_set(struct mr_err *, enum mr_errcode, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Clear *err to MR_EOK and an empty message. */
void	mr_err_clear(struct mr_err *);

#endif /* MR_ERR_H */
