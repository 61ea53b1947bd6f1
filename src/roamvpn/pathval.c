/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pathval: validation of a roaming client's new address (see pathval.h).
 */
#include "pathval.h"

#include <string.h>

#include "err.h"
#include "roammsg.h"

void
rv_pathval_init(struct rv_pathval *pv, const struct rv_sockaddr *home)
{
	memset(pv, 0, sizeof(*pv));
	if (home != NULL && rv_addr_is_set(home)) {
		pv->home = *home;
		pv->has_home = true;
	}
}

bool
rv_pathval_is_home(const struct rv_pathval *pv, const struct rv_sockaddr *a)
{
	return pv->has_home && rv_addr_equal(&pv->home, a);
}

void
rv_pathval_settle(struct rv_pathval *pv, const struct rv_sockaddr *a)
{
	pv->validating = false;
	pv->home = *a;
	pv->has_home = true;
	pv->moves++;
}

int
rv_pathval_begin(struct rv_pathval *pv, const struct rv_sockaddr *cand, size_t rx,
    uint64_t now, uint64_t timeout_ns)
{
	int r;

	if ((r = rv_roam_nonce_new(pv->challenge)) != 0)
		return r;
	pv->validating = true;
	pv->cand = *cand;
	pv->rx = rx;
	pv->tx = 0;
	pv->since = now;
	pv->deadline = now + timeout_ns;
	pv->moves++;
	return 0;
}

void
rv_pathval_received(struct rv_pathval *pv, const struct rv_sockaddr *a, size_t len)
{
	if (pv->validating && rv_addr_equal(&pv->cand, a))
		pv->rx += len;
}

bool
rv_pathval_may_send(struct rv_pathval *pv, size_t len)
{
	if (!pv->validating)
		return true;
	if (pv->tx + len > RV_ROAM_AMPLIFICATION * pv->rx) {
		pv->limited++;
		return false;
	}
	pv->tx += len;
	return true;
}

bool
rv_pathval_answered(struct rv_pathval *pv, const struct rv_sockaddr *a,
    const uint8_t echo[static RV_ROAM_NONCE_LEN], uint64_t now)
{
	if (!pv->validating || !rv_addr_equal(&pv->cand, a) ||
	    memcmp(echo, pv->challenge, sizeof(pv->challenge)) != 0)
		return false;
	pv->validating = false;
	pv->home = *a;
	pv->has_home = true;
	pv->validated++;
	pv->last_delay_ns = now - pv->since;
	pv->last_at = now;
	return true;
}

bool
rv_pathval_expired(struct rv_pathval *pv, uint64_t now)
{
	if (!pv->validating || now < pv->deadline)
		return false;
	pv->validating = false;
	pv->failed++;
	return true;
}
