/*
 * feedd source plugin ABI: the one header a plugin includes, and the only public one.
 *
 * A plugin is a shared object that exports exactly one symbol, FEEDD_PLUGIN_SYMBOL, a
 * `const struct feedd_plugin`.  The daemon dlopen()s the file, reads `abi` and `size`, and
 * refuses the plugin, before it calls any of the plugin's functions, unless `abi` is the one it
 * was built with and `size` is at least the smallest descriptor it supports.  dlopen() itself
 * runs the object's ELF constructors (and those of the libraries it pulls in) before that
 * check: a plugin must have none that matter, as the host cannot stop them.
 *
 * Growth: struct feedd_plugin only ever grows at its end, by optional fields.  A plugin built
 * against an older header has a smaller `size`; the host reads the fields past it as absent
 * (NULL or 0), and a newer plugin's fields past what the host knows are ignored.  So adding a
 * field does not bump FEEDD_PLUGIN_ABI; removing, moving or changing the meaning of any field,
 * or changing the other structs (which have no size), does.
 *
 * A plugin is pure: it is handed bytes and gives entries back through host->emit.  It does no
 * network I/O, runs no event loop, keeps no global state (but the host's services table, see
 * bind), never prints and never exits; it reports problems through host->error.  That makes
 * every plugin testable on a file with `feedd convert -p NAME FILE`.
 *
 * Threading: the host calls a plugin's functions from one thread at a time, but may hold several
 * open states of the same plugin (one per feed) at once.
 */
#ifndef FEEDD_PLUGIN_H
#define FEEDD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped only for a breaking change (see Growth above), never for a field added at the end of
 * struct feedd_plugin. */
#define FEEDD_PLUGIN_ABI 1

/* The name of the one symbol a plugin exports. */
#define FEEDD_PLUGIN_SYMBOL feedd_plugin
#define FEEDD_PLUGIN_SYMBOL_NAME "feedd_plugin"

/* Plugin flags. */
enum {
	/*
	 * The plugin wants text: the host decodes the input to UTF-8 before segment() (the
	 * `charset` option or HTTP charset first, then a UTF-8/UTF-16 BOM, then valid UTF-8, then
	 * an HTML <meta> charset in the first 4 KiB, else Windows-1252), drops the BOM, NUL and
	 * other C0 controls except tab, LF, CR, VT and FF, and guarantees feedd_input.data is
	 * valid UTF-8 followed by a NUL byte.  Without this flag the
	 * plugin gets the bytes exactly as fetched (e.g. for XML, whose parser reads the encoding).
	 */
	FEEDD_PLUGIN_TEXT = 1u << 0,
	/*
	 * The plugin builds feedd_entry.content itself from text it has escaped, so it holds no
	 * markup from the source and the host may skip its HTML sanitizer (a speed promise: a
	 * plugin that passes source HTML through must not set it).
	 */
	FEEDD_PLUGIN_SAFE_HTML = 1u << 1,
};

/* An enclosure (RFC 4287 link rel="enclosure"). */
struct feedd_enclosure {
	const char *url;  /* required; resolved and kept like feedd_entry.link */
	const char *type; /* MIME type, or NULL */
	int64_t length;   /* bytes, or -1 if unknown */
};

/*
 * One entry, handed to host->emit.  Every pointer is owned by the plugin and needs to stay valid
 * only until emit returns: the host copies what it keeps.  Strings are UTF-8 and NUL-terminated;
 * invalid UTF-8 and characters XML forbids are replaced or dropped by the host, never trusted;
 * summary and content are cut past 1 MiB, the other strings past 2 KiB, ending in "…".
 * Unknown fields are NULL (or 0 for dates).  At least one of summary and content should be set.
 */
struct feedd_entry {
	const char *id_key;  /* text the stable id is made from (UUIDv5); required, non-empty */
	const char *title;   /* plain text; NULL lets the host derive one from the text */
	const char *link;    /* URL of the entry, or NULL; the host resolves a relative one against
	                        the source URL and keeps only http and https links */
	/* The authors, or NULL: one per line, in source order, each a plain text name, or
	 * "Name <email>", or "<email>"; the Atom writer makes each an atom:author.  (Several
	 * authors and e-mails came after ABI 1 and fit in this field, so built plugins, whose
	 * entries end where this struct ends, keep working unchanged.) */
	const char *author;
	const char *summary; /* plain text */
	const char *content; /* HTML fragment; the host strips script, style, on* and javascript: */
	const char *caption; /* plain text credit (e.g. "Photo: AFP"), or NULL; kept beside content */
	int64_t published;   /* seconds since the epoch (UTC) if the source says, else 0 */
	int64_t updated;     /* likewise */
	int truncated;       /* non-zero: the source text was cut (a teaser); summary ends in "…" */
	const char *const *categories;          /* NULL-terminated, or NULL */
	const struct feedd_enclosure *enclosures; /* n_enclosures of them, or NULL */
	size_t n_enclosures;
};

/* Feed-level facts a plugin may learn from the source (all optional, same ownership rule). */
struct feedd_feed_info {
	const char *title;
	const char *link; /* the source's web page; resolved and kept like feedd_entry.link */
	const char *author;
	const char *subtitle;
};

/* What segment() is handed.  Owned by the host, valid for the duration of the call. */
struct feedd_input {
	const char *data;         /* the bytes; data[len] is a NUL byte the host adds */
	size_t len;
	const char *url;          /* source URL (file:// for paths, "stdin:" for stdin); never NULL */
	const char *content_type; /* HTTP Content-Type without parameters, or NULL for files */
	const char *charset;      /* HTTP charset, or NULL; with FEEDD_PLUGIN_TEXT always "UTF-8",
	                             since the host decoded the bytes (by the `charset` option,
	                             else this one, else detection) */
};

/*
 * What the host offers every plugin through feedd_plugin.bind: its own parsers, so that a
 * plugin out of the tree reads dates and links as the bundled ones do.  It only grows at its
 * end; `size` says how much of it the host has: a member is there when
 * size >= offsetof(struct feedd_services, member) + sizeof(member).
 */
struct feedd_services {
	uint32_t size; /* sizeof(struct feedd_services) as the host was built */
	/* Seconds since the epoch (UTC) of a date as feeds and pages write them: RFC 822 / 1123
	 * ("Tue, 01 Dec 2026 08:39:31 GMT", obsolete zones too), RFC 3339 / ISO 8601
	 * ("2026-12-01T08:39:31+01:00", "2026-12-01"); 0 if text is none of these. */
	int64_t (*parse_date)(const char *text);
	/* href resolved against base (RFC 3986, leading and trailing space ignored), in memory
	 * the plugin frees with free_string; NULL if href is NULL, empty or blank, or cannot be
	 * resolved.  No scheme is screened here: the host screens every link a plugin hands
	 * over anyway. */
	char *(*resolve_url)(const char *href, const char *base);
	void (*free_string)(char *s);
};

/*
 * Services the host lends a plugin.  `ctx` is opaque and is passed back to each function.
 */
struct feedd_host {
	void *ctx;
	/* The value of option KEY (from `-s KEY=VALUE` or the feed's config section), or NULL.
	 * The string is owned by the host and lives as long as the plugin state. */
	const char *(*option)(void *ctx, const char *key);
	/* Hands one entry to the host.  Returns 0, or -1 when the host wants no more entries
	 * (e.g. out of room); the plugin should then return from segment() promptly. */
	int (*emit)(void *ctx, const struct feedd_entry *entry);
	/* Feed-level facts; may be called once per segment(), before or after the entries. */
	void (*feed_info)(void *ctx, const struct feedd_feed_info *info);
	/* Reports an error or warning, printf-style, one line without a trailing newline.  When
	 * the call it is made in (open or segment) fails, the last message is its error; when it
	 * succeeds, the last message is a warning, which the host logs and shows on /healthz. */
	void (*error)(void *ctx, const char *fmt, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 2, 3)))
#endif
	    ;
};

struct feedd_plugin {
	uint32_t abi;  /* FEEDD_PLUGIN_ABI */
	uint32_t size; /* sizeof(struct feedd_plugin) as the plugin was built: says which fields
	                  it has */
	const char *name;        /* [a-z0-9_-]+, the name used in `plugin =` and `-p` */
	const char *version;     /* the plugin's own version string */
	const char *description; /* one line */
	uint32_t flags;          /* FEEDD_PLUGIN_* */
	/* Option names the plugin accepts (NULL-terminated); any other key is refused by the
	 * host's config check with its file and line.  NULL accepts none.  A name may not be a
	 * core [feed] key (plugin, source, interval, timeout, title, author, max_entries,
	 * charset, include, exclude): such an option is named NAME.KEY with the plugin's own
	 * name (html's "html.title"), else the plugin is refused at load. */
	const char *const *options;

	/*
	 * Reads the options through host->option, validates them and allocates per-feed state.
	 * Returns 0 and sets *state (which may be NULL), or -1 after host->error.  Optional.
	 * The host may call open() only to check a configuration, then close() at once.
	 */
	int (*open)(const struct feedd_host *host, void **state);
	/*
	 * Segments one fetched input into entries, calling host->emit for each in source order.
	 * Returns 0, or -1 after host->error; entries emitted before a failure are discarded.
	 */
	int (*segment)(void *state, const struct feedd_host *host, const struct feedd_input *in);
	/* Frees what open() allocated.  Optional. */
	void (*close)(void *state);

	/* ---- added after ABI 1 was published (see Growth) ---- */

	/*
	 * Called once when the host loads the plugin, before any open(), with the services it
	 * offers every plugin (struct feedd_services).  The table is the host's, constant, and
	 * lives as long as the plugin is loaded: keeping the pointer in a static variable is the
	 * one piece of global state a plugin may have.  A host from before this field never calls
	 * it, so a plugin that uses the services must work without them (the pointer stays NULL)
	 * and test `size` before using a member.  Optional.
	 */
	void (*bind)(const struct feedd_services *services);
};

/*
 * Declares the plugin's one exported symbol:
 *     FEEDD_PLUGIN_DEFINE = { .abi = FEEDD_PLUGIN_ABI, .size = sizeof(struct feedd_plugin), ... };
 */
#define FEEDD_PLUGIN_DEFINE                                                                        \
	extern const struct feedd_plugin FEEDD_PLUGIN_SYMBOL;                                      \
	const struct feedd_plugin FEEDD_PLUGIN_SYMBOL

#ifdef __cplusplus
}
#endif

#endif /* FEEDD_PLUGIN_H */
