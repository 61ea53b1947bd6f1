/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tun: the Linux TUN/TAP device (IFF_TUN / IFF_TAP, no packet information
 * header, non-blocking).
 */
#include "tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "err.h"

int
rv_tun_open(struct rv_tun *t, const char *dev, enum rv_dev_type type, const char *node,
    char *err, size_t errlen)
{
	struct ifreq ifr;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	t->type = type;
	if (type == RV_DEV_NULL) {
		snprintf(t->name, sizeof(t->name), "null");
		return 0;
	}
	if (node == NULL)
		node = "/dev/net/tun";
	t->fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", node, strerror(errno));
		return RV_ERR_SYSTEM;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)((type == RV_DEV_TAP ? IFF_TAP : IFF_TUN) | IFF_NO_PI);
	/* A bare "tun"/"tap" asks the kernel for the next free number. */
	if (strcmp(dev, "tun") == 0 || strcmp(dev, "tap") == 0)
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s%%d", dev);
	else
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(t->fd, TUNSETIFF, &ifr) != 0) {
		snprintf(err, errlen, "cannot create %s device %s: %s",
		    type == RV_DEV_TAP ? "tap" : "tun", dev, strerror(errno));
		rv_tun_close(t);
		return RV_ERR_SYSTEM;
	}
	snprintf(t->name, sizeof(t->name), "%s", ifr.ifr_name);
	t->ifindex = (int)if_nametoindex(t->name);
	if (t->ifindex == 0) {
		snprintf(err, errlen, "device %s vanished: %s", t->name, strerror(errno));
		rv_tun_close(t);
		return RV_ERR_SYSTEM;
	}
	return 0;
}

void
rv_tun_close(struct rv_tun *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

bool
rv_tun_is_open(const struct rv_tun *t)
{
	return t->fd >= 0 || t->type == RV_DEV_NULL;
}

int
rv_tun_read(struct rv_tun *t, struct rv_buf *b, size_t max)
{
	size_t room;
	uint8_t *p = rv_buf_tail(b, &room);
	ssize_t n;

	if (t->fd < 0)
		return RV_ERR_AGAIN;
	if (room > max)
		room = max;
	do
		n = read(t->fd, p, room);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? RV_ERR_AGAIN : RV_ERR_SYSTEM;
	if (n == 0)
		return RV_ERR_AGAIN;
	rv_buf_commit(b, (size_t)n);
	t->rx_packets++;
	t->rx_bytes += (uint64_t)n;
	return 0;
}

int
rv_tun_write(struct rv_tun *t, const struct rv_buf *b)
{
	ssize_t n;

	if (t->type == RV_DEV_NULL) {
		t->tx_packets++;
		t->tx_bytes += rv_buf_len(b);
		return 0;
	}
	do
		n = write(t->fd, rv_buf_data(b), rv_buf_len(b));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		t->tx_errors++;
		return RV_ERR_SYSTEM;
	}
	t->tx_packets++;
	t->tx_bytes += (uint64_t)n;
	return 0;
}
