/* Entry filters: regcomp once per configuration, regexec on each field of each entry. */
#include "config.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "sanitize.h"
#include "xmalloc.h"

struct filter_re {
	regex_t re;
	char *src;
};

/*
 * What regcomp will build for a pattern, counted before it is asked to: glibc spells a repeated
 * expression out once per repeat it must keep apart (x+ is xx*, x{2,4} is xx(x(x)?)?), so
 * repetitions nested or stacked multiply (a followed by twenty-two +: 13 s and 3 GB), and
 * the closures of its nullable copies grow with their square ((a?){10000}: 800 MB).  The count
 * is an upper bound of its tree's nodes, parsed as regcomp will (groups, bracket expressions,
 * escapes, the four repetition operators), saturating just past FILTER_STATES_MAX; the
 * recursion goes no deeper than that many groups.
 */
struct cost {
	const char *s;
	int depth;
};

static size_t
sat(unsigned long long n)
{
	return n > FILTER_STATES_MAX ? FILTER_STATES_MAX + 1 : (size_t)n;
}

static size_t cost_alt(struct cost *);

/* [...] with its [:class:], [=equiv=] and [.coll.] inside, a leading ] or ^] its own member */
static void
skip_bracket(struct cost *c)
{
	const char *p = c->s + 1, *end;

	p += *p == '^';
	p += *p == ']';
	while (*p && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
			char close[3] = {p[1], ']', '\0'};

			if ((end = strstr(p + 2, close)) != NULL) {
				p = end + 2;
				continue;
			}
		}
		p++;
	}
	c->s = p + (*p == ']');
}

static size_t
cost_atom(struct cost *c)
{
	size_t n;

	switch (*c->s) {
	case '(':
		c->s++;
		if (++c->depth > FILTER_STATES_MAX) /* each group a state: over the limit anyway */
			return FILTER_STATES_MAX + 1;
		n = cost_alt(c);
		c->depth--;
		c->s += *c->s == ')';
		return sat((unsigned long long)n + 1);
	case '[':
		skip_bracket(c);
		return 1;
	case '\\':
		c->s += 1 + (c->s[1] != '\0');
		return 1;
	default:
		c->s++;
		return 1;
	}
}

/* {m}, {m,}, {,n} or {m,n}: the copies it spells out (0 if it is not a bound: then the { is
 * a plain character, as regcomp reads it, or an error regcomp reports) */
static unsigned long long
bound(struct cost *c)
{
	unsigned long long m = 0, n = 0;
	const char *p = c->s + 1;
	int comma = 0;

	for (; *p >= '0' && *p <= '9'; p++)
		m = sat(m * 10 + (unsigned long long)(*p - '0'));
	if (*p == ',') {
		comma = 1;
		for (p++; *p >= '0' && *p <= '9'; p++)
			n = sat(n * 10 + (unsigned long long)(*p - '0'));
	}
	if (*p != '}' || p == c->s + 1)
		return 0;
	c->s = p + 1;
	return (comma && n > m ? n : m) + 1; /* x{m,} is m copies and a star */
}

/* an atom and the repetitions after it */
static size_t
cost_piece(struct cost *c)
{
	unsigned long long n = cost_atom(c), k;

	for (;;) {
		if (*c->s == '*' || *c->s == '?')
			n = n + 1, c->s++;
		else if (*c->s == '+')
			n = 2 * n + 1, c->s++;
		else if (*c->s == '{' && (k = bound(c)) > 0)
			n = n * k + 1;
		else
			break;
		n = sat(n);
	}
	return (size_t)n;
}

/* branches joined by |, up to the ) that closes them or the end */
static size_t
cost_alt(struct cost *c)
{
	unsigned long long n = 0;

	while (*c->s && *c->s != ')' && n <= FILTER_STATES_MAX) {
		if (*c->s == '|') {
			c->s++;
			n++;
		} else {
			n += cost_piece(c);
		}
	}
	return sat(n);
}

/* The upper bound of src's states (FILTER_STATES_MAX + 1 for any count above). */
static size_t
filter_states(const char *src)
{
	struct cost c = {src, 0};
	unsigned long long n = 0;

	while (*c.s && n <= FILTER_STATES_MAX) {
		n += cost_alt(&c);
		c.s += *c.s == ')'; /* an unmatched ), an error regcomp reports */
	}
	return sat(n);
}

int
filter_add(struct filter *f, int exclude, const char *src, size_t *budget, char *why,
    size_t whylen)
{
	struct filter_re *r;
	struct filter_re ***v = exclude ? &f->exc : &f->inc;
	size_t *n = exclude ? &f->n_exc : &f->n_inc, states;
	int rc;

	if (*src == '\0') {
		snprintf(why, whylen, "an empty regex would match every entry");
		return -1;
	}
	if ((states = filter_states(src)) > FILTER_STATES_MAX) {
		snprintf(why, whylen, "it would compile to more than %d states (each repetition "
		    "copies what it repeats: x{100} is 100 x, (x+)+ is 4 x)", FILTER_STATES_MAX);
		return -1;
	}
	if (states > *budget) {
		snprintf(why, whylen, "with the regexes before it, it would compile to more than %d "
		    "states", FILTER_BUDGET);
		return -1;
	}
	r = xcalloc(1, sizeof(*r));
	if ((rc = regcomp(&r->re, src, REG_EXTENDED | REG_ICASE | REG_NOSUB)) != 0) {
		regerror(rc, &r->re, why, whylen);
		regfree(&r->re);
		free(r);
		return -1;
	}
	*budget -= states;
	r->src = xstrdup(src);
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = r;
	return 0;
}

int
filter_is_set(const struct filter *f)
{
	return f && (f->n_inc || f->n_exc);
}

static int
match(const struct filter_re *r, const char *s)
{
	return s && regexec(&r->re, s, 0, NULL, 0) == 0;
}

/* Each author line on its own, so that ^ and $ hold for one person ("Name <email>"). */
static int
match_authors(const struct filter_re *r, const char *a)
{
	char line[ENTRY_SHORT_MAX + 1];
	size_t n;

	while (a && *a) {
		n = strcspn(a, "\n");
		if (n < sizeof(line)) {
			memcpy(line, a, n);
			line[n] = '\0';
			if (match(r, line))
				return 1;
		}
		a += n + (a[n] == '\n');
	}
	return 0;
}

/* The fields that cost nothing to read: title, summary, authors, categories. */
static int
match_fields(const struct filter_re *r, const struct entry *e)
{
	size_t i;

	if (match(r, e->title) || match(r, e->summary) || match_authors(r, e->author))
		return 1;
	for (i = 0; i < e->n_categories; i++)
		if (match(r, e->categories[i]))
			return 1;
	return 0;
}

/* The content's text, parsed once per entry and only if a regex gets that far. */
struct text {
	const char *html; /* never NULL */
	const char *text; /* html, or plain */
	char *plain;      /* owned, or NULL */
	int done;
};

static const char *
content_text(struct text *t)
{
	if (!t->done) {
		t->done = 1;
		t->text = t->html; /* without markup or references the HTML is its own text */
		if (strpbrk(t->html, "<&") != NULL)
			t->text = t->plain = sanitize_html_text(t->html);
	}
	return t->text;
}

static int
any_matches(struct filter_re *const *v, size_t n, const struct entry *e, struct text *t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (match_fields(v[i], e))
			return 1;
	for (i = 0; i < n && e->content; i++)
		if (match(v[i], content_text(t)))
			return 1;
	return 0;
}

int
filter_keeps(const struct filter *f, const struct entry *e)
{
	struct text t = {e->content, NULL, NULL, 0};
	int keep;

	if (!filter_is_set(f))
		return 1;
	keep = (f->n_inc == 0 || any_matches(f->inc, f->n_inc, e, &t)) &&
	       !any_matches(f->exc, f->n_exc, e, &t);
	free(t.plain);
	return keep;
}

static int
same_list(struct filter_re *const *a, size_t na, struct filter_re *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i]->src, b[i]->src) != 0)
			return 0;
	return 1;
}

int
filter_equal(const struct filter *a, const struct filter *b)
{
	return same_list(a->inc, a->n_inc, b->inc, b->n_inc) &&
	       same_list(a->exc, a->n_exc, b->exc, b->n_exc);
}

static void
free_list(struct filter_re **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		regfree(&v[i]->re);
		free(v[i]->src);
		free(v[i]);
	}
	free(v);
}

void
filter_free(struct filter *f)
{
	free_list(f->inc, f->n_inc);
	free_list(f->exc, f->n_exc);
	memset(f, 0, sizeof(*f));
}
