/* SHA-1 from FIPS 180-4, section 6.1, its 80 rounds written out. */
#include "config.h"

#include <string.h>

#include "sha1.h"

static inline uint32_t
rol(uint32_t x, int k)
{
	return (x << k) | (x >> (32 - k));
}

static inline uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One round: the five variables rotate by renaming (the caller passes them shifted), so no
 * round moves a register.  W(i) is the message schedule, kept in 16 words. */
#define W(i) (w[(i) & 15] = rol(w[((i) + 13) & 15] ^ w[((i) + 8) & 15] ^ w[((i) + 2) & 15] ^ \
                                    w[(i) & 15], 1))
#define F1(b, c, d) ((d) ^ ((b) & ((c) ^ (d))))
#define F2(b, c, d) ((b) ^ (c) ^ (d))
#define F3(b, c, d) (((b) & (c)) | ((d) & ((b) | (c))))
#define R(a, b, c, d, e, f, k, x)                                                                 \
	do {                                                                                       \
		e += rol(a, 5) + f(b, c, d) + (k) + (x);                                           \
		b = rol(b, 30);                                                                    \
	} while (0)
/* Five rounds from i, after which the variables are back in their places. */
#define R5(f, k, i, x)                                                                             \
	do {                                                                                       \
		R(a, b, c, d, e, f, k, x(i));                                                      \
		R(e, a, b, c, d, f, k, x((i) + 1));                                                \
		R(d, e, a, b, c, f, k, x((i) + 2));                                                \
		R(c, d, e, a, b, f, k, x((i) + 3));                                                \
		R(b, c, d, e, a, f, k, x((i) + 4));                                                \
	} while (0)
#define M(i) w[i]

static void
block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	int i;

	for (i = 0; i < 16; i++)
		w[i] = be32(p + 4 * i);
	R5(F1, 0x5a827999, 0, M);
	R5(F1, 0x5a827999, 5, M);
	R5(F1, 0x5a827999, 10, M);
	R(a, b, c, d, e, F1, 0x5a827999, w[15]);
	R(e, a, b, c, d, F1, 0x5a827999, W(16));
	R(d, e, a, b, c, F1, 0x5a827999, W(17));
	R(c, d, e, a, b, F1, 0x5a827999, W(18));
	R(b, c, d, e, a, F1, 0x5a827999, W(19));
	R5(F2, 0x6ed9eba1, 20, W);
	R5(F2, 0x6ed9eba1, 25, W);
	R5(F2, 0x6ed9eba1, 30, W);
	R5(F2, 0x6ed9eba1, 35, W);
	R5(F3, 0x8f1bbcdc, 40, W);
	R5(F3, 0x8f1bbcdc, 45, W);
	R5(F3, 0x8f1bbcdc, 50, W);
	R5(F3, 0x8f1bbcdc, 55, W);
	R5(F2, 0xca62c1d6, 60, W);
	R5(F2, 0xca62c1d6, 65, W);
	R5(F2, 0xca62c1d6, 70, W);
	R5(F2, 0xca62c1d6, 75, W);
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void
sha1_init(struct sha1 *s)
{
	static const uint32_t iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
	    0xc3d2e1f0};

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->n = 0;
}

void
sha1_update(struct sha1 *s, const void *data, size_t n)
{
	const unsigned char *p = data;

	s->len += n;
	if (s->n > 0) {
		size_t k = 64 - s->n < n ? 64 - s->n : n;

		memcpy(s->block + s->n, p, k);
		s->n += k;
		p += k;
		n -= k;
		if (s->n < 64)
			return;
		block(s->h, s->block);
		s->n = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		block(s->h, p);
	memcpy(s->block, p, n);
	s->n = n;
}

void
sha1_final(struct sha1 *s, unsigned char out[20])
{
	uint64_t bits = s->len * 8;
	int i;

	s->block[s->n++] = 0x80;
	if (s->n > 56) {
		memset(s->block + s->n, 0, 64 - s->n);
		block(s->h, s->block);
		s->n = 0;
	}
	memset(s->block + s->n, 0, 56 - s->n);
	for (i = 0; i < 8; i++)
		s->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	block(s->h, s->block);
	for (i = 0; i < 20; i++)
		out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}
