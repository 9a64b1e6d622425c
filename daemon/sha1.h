/* SHA-1 (FIPS 180-4), for name-based UUIDs (RFC 4122 version 5) only: not for security. */
#ifndef FEEDD_SHA1_H
#define FEEDD_SHA1_H

#include <stddef.h>
#include <stdint.h>

struct sha1 {
	uint32_t h[5];
	uint64_t len; /* bytes hashed */
	unsigned char block[64];
	size_t n; /* bytes waiting in block */
};

void sha1_init(struct sha1 *);
void sha1_update(struct sha1 *, const void *, size_t);
void sha1_final(struct sha1 *, unsigned char out[20]);
/* For the tests: one block through the portable rounds into c and through the processor's SHA
 * extensions into ni; returns 1, or 0 (ni untouched) where there are none. */
int sha1_block_both(uint32_t c[5], uint32_t ni[5], const unsigned char p[64]);

#endif
