/*
 * mr_mail: Internet messages (RFC 5322, MIME) and their delivery over SMTP
 * through libcurl.
 *
 * Composing never lets a CR, LF, NUL or other control character reach a
 * header: values are checked once more where the header is written, and
 * non-ASCII text is RFC 2047 encoded.  libcurl does neither itself.
 *
 * Delivery: smtp:// upgraded with STARTTLS (required unless the server is
 * on the loopback address and STARTTLS is turned off) or smtps://; the
 * password comes from a file that only its owner may read, never from a
 * command line.
 */
#ifndef MR_MAIL_H
#define MR_MAIL_H

#include <stddef.h>
#include <time.h>

#include "lib/mr_err.h"

struct mr_mail {
	const char	*from;		/* one address */
	const char	*const *to;	/* addresses */
	int		 nto;
	const char	*subject;	/* UTF-8 */
	const char	*message_id;	/* without the angle brackets */
	time_t		 date;
	const char	*body;		/* UTF-8 text, lines end in \n */
	const char	*attach_name;	/* NULL: no attachment */
	const char	*attach_type;	/* e.g. "text/calendar; charset=utf-8" */
	const char	*attach_data;
	size_t		 attach_len;
};

/*
 * The whole message, CRLF line ends, in *out (NUL-terminated, the caller
 * frees it).  Refuses a control character in any header value.
 */
int	mr_mail_compose(const struct mr_mail *, char **out, size_t *len,
	    struct mr_err *);

/*
 * A header value as it may be written after "Name: ": ASCII text folded
 * at spaces before 78 columns, anything else as RFC 2047 encoded words
 * (=?UTF-8?B?...?=).  name_len is the length of "Name: ".  Refuses CR, LF,
 * NUL and other control characters.  *out is the caller's to free.
 */
int	mr_mail_header_text(const char *value, size_t name_len, char **out,
	    struct mr_err *);
/* The date as RFC 5322 wants it, in UTC: "Tue, 01 Oct 2024 12:00:00 +0000". */
void	mr_mail_date(time_t, char *buf, size_t len);

struct mr_mail_server {
	const char	*url;		/* smtp://host[:port] or smtps://host[:port] */
	const char	*user;		/* NULL: no authentication */
	const char	*password_file;
	const char	*ca_file;	/* NULL: the system's CAs */
	int		 starttls;	/* 1: required (smtp://); 0: plain, loopback only */
	long		 timeout;	/* seconds for one message */
};

/*
 * Read the first line of path into buf.  The file must be a regular file
 * owned by this user that neither group nor others may read or write.
 */
int	mr_mail_read_password(const char *path, char *buf, size_t len,
	    struct mr_err *);

struct mr_mailer;

/* Check the settings, read the password; nothing is sent yet. */
int	mr_mailer_new(const struct mr_mail_server *, struct mr_mailer **,
	    struct mr_err *);
void	mr_mailer_free(struct mr_mailer *);
/*
 * Send msg (from mr_mail_compose) from `from` to the n addresses in rcpt,
 * reusing the connection of an earlier send.  With refused (n entries)
 * the message goes to every recipient the server takes, and refused[i]
 * is the server's reply code (e.g. 550) for each it refused at RCPT, 0
 * for the others: success then means it took at least
 * one (the refused ones are the caller's to retry).  Without it one
 * refusal fails the whole message.  end_of_data, if not NULL, is
 * called once the whole message has been handed over and before the
 * final "." that lets the server accept it; a -1 from it aborts the send,
 * so the server cannot accept the message.  On failure MR_ESEND, and
 * *stop is 1 when later messages would fail the same way (server
 * unreachable, login refused, TLS failed, "try again later").
 */
int	mr_mailer_send(struct mr_mailer *, const char *from,
	    const char *const *rcpt, int n, int *refused, const char *msg,
	    size_t len,
	    int (*end_of_data)(void *), void *arg, int *stop, struct mr_err *);

#endif /* MR_MAIL_H */
