/* The plugin loader: finds shared objects in a folder, checks their ABI, and keeps them. */
#ifndef FEEDD_PLUGINS_H
#define FEEDD_PLUGINS_H

#include <stddef.h>
#include <stdint.h>

#include <feedd/plugin.h>

/* Whether descriptor p is big enough to have field (one added after ABI 1 was published). */
#define PLUGIN_HAS(p, field) \
	((p)->size >= offsetof(struct feedd_plugin, field) + sizeof((p)->field))

struct plugin {
	char *path;   /* owned; NULL for a plugin known from a worker's description */
	void *handle; /* dlopen handle, or NULL for a described plugin */
	const struct feedd_plugin *p; /* inside the object: valid while the handle is open; for a
	                                 described one, owned (strings too), with no functions */
};

struct plugin_set {
	struct plugin *v;
	size_t n;
};

/*
 * The [feed] keys the host reads itself, NULL-terminated.  They mean the same for every plugin,
 * so a plugin may not declare one as an option: an option named like one is declared and
 * written PLUGIN.KEY (html's html.title), and only that spelling reaches the plugin.
 */
extern const char *const plugin_core_keys[];
/* Non-zero if key is one of plugin_core_keys. */
int plugin_is_core_key(const char *key);

/*
 * Checks a plugin's descriptor before any of its functions run: the ABI must be this host's,
 * the size at least that of the first ABI 1 descriptor (a bigger one, from a newer header, is
 * fine).  Returns 0, or -1 with a message naming path, the expected and the found ABI or size
 * in err.
 */
int plugin_check(const struct feedd_plugin *, const char *path, char *err, size_t errlen);
/*
 * Loads one file.  Returns 0, or -1 with the reason in err (not a plugin, ABI mismatch, bad
 * permissions).
 */
int plugin_load(const char *path, struct plugin *out, char *err, size_t errlen);
/*
 * Loads every *.so in dir (sorted by name), logging each file refused.  Of two plugins of the
 * same name one is refused too: the one in a file not named after the name (NAME.so), else
 * the second.  Returns the number loaded, or -1 if dir cannot be read or is writable by others.
 */
int plugins_load_dir(struct plugin_set *, const char *dir);
/*
 * Loads the plugin called name for `feedd convert`: dir/NAME.so alone if that file loads and
 * declares name, which is then the plugin the whole folder's scan would pick too; else, if it
 * is missing, refused or declares another name, every *.so as plugins_load_dir (with its
 * warnings).  A name that is not [a-z0-9_-]+ is never made a path.  Returns as
 * plugins_load_dir.
 */
int plugins_load_named(struct plugin_set *, const char *dir, const char *name);
/*
 * Adds a plugin known only by what a worker said of it: no code of it is loaded here.  The
 * strings are copied.  Returns 0, or -1 if the name is not [a-z0-9_-]+ or already taken.
 */
int plugins_add_described(struct plugin_set *, const char *name, const char *version,
    const char *description, uint32_t flags, char **options, size_t n_options);
const struct plugin *plugins_find(const struct plugin_set *, const char *name);
/* Non-zero if a and b hold the same plugins in the same order: names, versions, flags and
 * option lists (what a reload compares a rescan of plugin_dir with). */
int plugins_equal(const struct plugin_set *a, const struct plugin_set *b);
/* The names of the plugins in set, "feed, html, lines", or "none", into out; returns out. */
char *plugins_names(const struct plugin_set *, char *out, size_t outlen);
void plugins_free(struct plugin_set *);
/* The plugin folder to use: dir if set, else $FEEDD_PLUGIN_DIR, else the build tree's when
 * the program runs from its build tree, else the compiled-in one.  Static string. */
const char *plugins_default_dir(const char *dir);

#endif
