/*
 * notify: the systemd readiness protocol (sd_notify(3)) in a few lines,
 * without libsystemd: a datagram to $NOTIFY_SOCKET, if set.
 */
#ifndef DAEMON_NOTIFY_H
#define DAEMON_NOTIFY_H

/* Send "READY=1", "RELOADING=1", "STOPPING=1", "STATUS=..."; best effort. */
void	notify(const char *msg);

#endif /* DAEMON_NOTIFY_H */
