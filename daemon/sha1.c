/* SHA-1 from FIPS 180-4, section 6.1, its 80 rounds written out; on x86-64 processors with
 * the SHA extensions, their instructions instead (an id per entry: a tenth of a large convert
 * was these rounds). */
#include "config.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define SHA1_NI 1
#endif

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
block_c(uint32_t h[5], const unsigned char *p)
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

#ifdef SHA1_NI
/*
 * One group of four rounds, k from 0 to 19 (Intel's SHA extensions): the E of the group, e,
 * takes the next four words of the schedule m[k % 4], the other E keeps ABCD, and the schedule
 * moves on (msg2 finishes the words of group k + 1, msg1 and the xor start those of k + 3 and
 * k + 2: past group 19 they are unused, and harmless).
 */
#define GROUP(k, e, other)                                                                         \
	do {                                                                                       \
		e = (k) == 0 ? _mm_add_epi32(e, m[0]) : _mm_sha1nexte_epu32(e, m[(k) % 4]);        \
		other = abcd;                                                                      \
		if ((k) >= 3)                                                                      \
			m[((k) + 1) % 4] = _mm_sha1msg2_epu32(m[((k) + 1) % 4], m[(k) % 4]);        \
		abcd = _mm_sha1rnds4_epu32(abcd, e, (k) / 5);                                      \
		if ((k) >= 1)                                                                      \
			m[((k) + 3) % 4] = _mm_sha1msg1_epu32(m[((k) + 3) % 4], m[(k) % 4]);        \
		if ((k) >= 2)                                                                      \
			m[((k) + 2) % 4] = _mm_xor_si128(m[((k) + 2) % 4], m[(k) % 4]);             \
	} while (0)

__attribute__((target("sha,sse4.1,ssse3"))) static void
block_ni(uint32_t h[5], const unsigned char *p)
{
	const __m128i be = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
	__m128i abcd, abcd0, e0, e1, e00, m[4];
	int i;

	abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)h), 0x1b);
	e0 = _mm_set_epi32((int)h[4], 0, 0, 0);
	abcd0 = abcd;
	e00 = e0;
	for (i = 0; i < 4; i++)
		m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)),
		    be);
	GROUP(0, e0, e1);
	GROUP(1, e1, e0);
	GROUP(2, e0, e1);
	GROUP(3, e1, e0);
	GROUP(4, e0, e1);
	GROUP(5, e1, e0);
	GROUP(6, e0, e1);
	GROUP(7, e1, e0);
	GROUP(8, e0, e1);
	GROUP(9, e1, e0);
	GROUP(10, e0, e1);
	GROUP(11, e1, e0);
	GROUP(12, e0, e1);
	GROUP(13, e1, e0);
	GROUP(14, e0, e1);
	GROUP(15, e1, e0);
	GROUP(16, e0, e1);
	GROUP(17, e1, e0);
	GROUP(18, e0, e1);
	GROUP(19, e1, e0);
	e0 = _mm_sha1nexte_epu32(e0, e00);
	abcd = _mm_shuffle_epi32(_mm_add_epi32(abcd, abcd0), 0x1b);
	_mm_storeu_si128((__m128i *)(void *)h, abcd);
	h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}

/* The SHA extensions and the SSE they need, asked of the processor once. */
static int
have_sha_ni(void)
{
	static int known = -1;
	unsigned a, b, c, d;

	if (known < 0) {
		known = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSSE3) && (c & bit_SSE4_1) &&
		    __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
	}
	return known;
}
#endif

static void
block(uint32_t h[5], const unsigned char *p)
{
#ifdef SHA1_NI
	if (have_sha_ni()) {
		block_ni(h, p);
		return;
	}
#endif
	block_c(h, p);
}

/* For the tests: the portable rounds and the extensions' (0 where there are none). */
int
sha1_block_both(uint32_t c[5], uint32_t ni[5], const unsigned char p[64])
{
	block_c(c, p);
#ifdef SHA1_NI
	if (have_sha_ni()) {
		block_ni(ni, p);
		return 1;
	}
#endif
	(void)ni;
	return 0;
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
