/* sd_notify(3) by hand: a datagram to $NOTIFY_SOCKET, no libsystemd needed. */
#ifndef FEEDD_NOTIFY_H
#define FEEDD_NOTIFY_H

/* Sends msg ("READY=1", "STATUS=…") if $NOTIFY_SOCKET is set; returns 0, or -1 on failure. */
int notify_send(const char *msg);
/* The watchdog interval in microseconds from $WATCHDOG_USEC (for this pid), or 0. */
long long notify_watchdog_usec(void);

#endif
