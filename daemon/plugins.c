/* dlopen()s source plugins and refuses any whose ABI differs or whose descriptor is too small,
 * before calling them. */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../plugins/common/common.h"
#include "log.h"
#include "plugins.h"
#include "str.h"
#include "url.h"
#include "xmalloc.h"

/* The descriptor of ABI 1 as first published, up to close: every plugin has these fields.
 * One added later is read only where PLUGIN_HAS says the plugin's size covers it. */
#define PLUGIN_SIZE_MIN (offsetof(struct feedd_plugin, close) + sizeof(void (*)(void *)))

#define PLUGIN_NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_-"

const char *const plugin_core_keys[] = {"plugin", "source", "interval", "timeout", "title",
    "author", "max_entries", "charset", "include", "exclude", NULL};

int
plugin_is_core_key(const char *key)
{
	size_t i;

	for (i = 0; plugin_core_keys[i]; i++)
		if (strcmp(plugin_core_keys[i], key) == 0)
			return 1;
	return 0;
}

/* Option names are a core key's never, and a qualified one is the plugin's own. */
static int
check_option_names(const struct feedd_plugin *p, const char *path, char *err, size_t errlen)
{
	const char *const *o;
	size_t n = strlen(p->name);

	for (o = p->options; o && *o; o++) {
		const char *dot = strchr(*o, '.');

		if (dot == NULL && plugin_is_core_key(*o)) {
			snprintf(err, errlen, "%s: plugin %s declares option '%s', a core [feed] key; "
			    "declare it as '%s.%s'", path, p->name, *o, p->name, *o);
			return -1;
		}
		if (dot && ((size_t)(dot - *o) != n || strncmp(*o, p->name, n) != 0 ||
		            dot[1] == '\0' || strchr(dot + 1, '.'))) {
			snprintf(err, errlen, "%s: plugin %s declares option '%s'; a qualified option "
			    "is '%s.KEY'", path, p->name, *o, p->name);
			return -1;
		}
	}
	return 0;
}

int
plugin_check(const struct feedd_plugin *p, const char *path, char *err, size_t errlen)
{
	if (p->abi != FEEDD_PLUGIN_ABI) {
		snprintf(err, errlen, "%s: plugin ABI %u, expected %u", path, p->abi,
		    FEEDD_PLUGIN_ABI);
		return -1;
	}
	if (p->size < PLUGIN_SIZE_MIN) {
		snprintf(err, errlen, "%s: plugin descriptor size %u, expected at least %zu", path,
		    p->size, (size_t)PLUGIN_SIZE_MIN);
		return -1;
	}
	if (p->name == NULL || p->name[0] == '\0' || p->segment == NULL) {
		snprintf(err, errlen, "%s: plugin has no name or no segment function", path);
		return -1;
	}
	if (strspn(p->name, PLUGIN_NAME_CHARS) != strlen(p->name)) {
		snprintf(err, errlen, "%s: plugin name '%s' is not [a-z0-9_-]+", path, p->name);
		return -1;
	}
	return check_option_names(p, path, err, errlen);
}

/* Refuses files and folders that others may write: whoever can write them runs code here. */
static int
check_mode(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "%s: cannot stat", path);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "%s: writable by group or others, refused", path);
		return -1;
	}
	return 0;
}

static void
free_string(char *s)
{
	free(s);
}

/* What every loaded plugin is offered (feedd_plugin.bind): the parsers the bundled ones use. */
static const struct feedd_services services = {
	sizeof(struct feedd_services),
	pc_parse_date,
	url_resolve,
	free_string,
};

int
plugin_load(const char *path, struct plugin *out, char *err, size_t errlen)
{
	const struct feedd_plugin *p;
	void *h;

	if (check_mode(path, err, errlen) == -1)
		return -1;
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, dlerror());
		return -1;
	}
	if ((p = dlsym(h, FEEDD_PLUGIN_SYMBOL_NAME)) == NULL) {
		snprintf(err, errlen, "%s: not a feedd plugin (no symbol %s)", path,
		    FEEDD_PLUGIN_SYMBOL_NAME);
		dlclose(h);
		return -1;
	}
	if (plugin_check(p, path, err, errlen) == -1) {
		dlclose(h);
		return -1;
	}
	out->path = xstrdup(path);
	out->handle = h;
	out->p = p;
	if (PLUGIN_HAS(p, bind) && p->bind)
		p->bind(&services);
	return 0;
}

static int
so_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 3 && strcmp(d->d_name + n - 3, ".so") == 0 && d->d_name[0] != '.';
}

/* Non-zero if path's file is NAME.so for the name its plugin declares. */
static int
named_after(const struct plugin *pl)
{
	const char *base = strrchr(pl->path, '/');
	size_t n = strlen(pl->p->name);

	base = base ? base + 1 : pl->path;
	return strncmp(base, pl->p->name, n) == 0 && strcmp(base + n, ".so") == 0;
}

static void
plugin_unload(struct plugin *pl)
{
	dlclose(pl->handle);
	free(pl->path);
}

/* Adds pl to set, unless a plugin of its name is there: then the one in the file named after
 * the name stays (the file `convert -p NAME` opens first), else the first one loaded. */
static int
add_loaded(struct plugin_set *set, struct plugin *pl)
{
	size_t i;

	for (i = 0; i < set->n && strcmp(set->v[i].p->name, pl->p->name) != 0; i++)
		;
	if (i == set->n) {
		set->v = xreallocarray(set->v, set->n + 1, sizeof(*set->v));
		set->v[set->n++] = *pl;
		return 1;
	}
	if (named_after(pl) && !named_after(&set->v[i])) {
		log_warnx("plugins: skipped %s: %s declares the name %s too, and is named after it",
		    set->v[i].path, pl->path, pl->p->name);
		plugin_unload(&set->v[i]);
		set->v[i] = *pl;
	} else {
		log_warnx("plugins: skipped %s: a plugin named %s is already loaded", pl->path,
		    pl->p->name);
		plugin_unload(pl);
	}
	return 0;
}

int
plugins_load_dir(struct plugin_set *set, const char *dir)
{
	struct dirent **names;
	char path[PATH_MAX], err[PATH_MAX + 256];
	int i, n, loaded = 0;

	if (check_mode(dir, err, sizeof(err)) == -1) {
		log_warnx("plugins: %s", err);
		return -1;
	}
	if ((n = scandir(dir, &names, so_filter, alphasort)) == -1) {
		log_warn("plugins: %s", dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct plugin pl;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		if (plugin_load(path, &pl, err, sizeof(err)) == -1) {
			log_warnx("plugins: skipped %s", err);
			continue;
		}
		loaded += add_loaded(set, &pl);
	}
	free(names);
	return loaded;
}

int
plugins_load_named(struct plugin_set *set, const char *dir, const char *name)
{
	char path[PATH_MAX], err[PATH_MAX + 256];
	struct plugin pl;
	int n;

	if (*name && strspn(name, PLUGIN_NAME_CHARS) == strlen(name) &&
	    (n = snprintf(path, sizeof(path), "%s/%s.so", dir, name)) > 0 &&
	    (size_t)n < sizeof(path) && check_mode(dir, err, sizeof(err)) == 0 &&
	    plugin_load(path, &pl, err, sizeof(err)) == 0) {
		if (strcmp(pl.p->name, name) == 0)
			return add_loaded(set, &pl);
		plugin_unload(&pl);
	}
	return plugins_load_dir(set, dir);
}

int
plugins_add_described(struct plugin_set *set, const char *name, const char *version,
    const char *description, uint32_t flags, char **options, size_t n_options)
{
	struct feedd_plugin *p;
	char **opts = NULL;
	size_t i;

	if (name == NULL || *name == '\0' ||
	    strspn(name, PLUGIN_NAME_CHARS) != strlen(name) ||
	    plugins_find(set, name) != NULL)
		return -1;
	p = xcalloc(1, sizeof(*p));
	p->abi = FEEDD_PLUGIN_ABI;
	p->size = sizeof(*p);
	p->name = xstrdup(name);
	p->version = xstrdup(version ? version : "");
	p->description = xstrdup(description ? description : "");
	p->flags = flags;
	if (n_options) {
		opts = xcalloc(n_options + 1, sizeof(*opts));
		for (i = 0; i < n_options; i++)
			opts[i] = xstrdup(options[i] ? options[i] : "");
	}
	p->options = (const char *const *)opts;
	set->v = xreallocarray(set->v, set->n + 1, sizeof(*set->v));
	set->v[set->n].path = NULL;
	set->v[set->n].handle = NULL;
	set->v[set->n].p = p;
	set->n++;
	return 0;
}

static void
free_described(const struct feedd_plugin *cp)
{
	struct feedd_plugin *p = (struct feedd_plugin *)cp; /* ours: made by plugins_add_described */
	size_t i;

	for (i = 0; p->options && p->options[i]; i++)
		free((char *)p->options[i]);
	free((char **)p->options);
	free((char *)p->name);
	free((char *)p->version);
	free((char *)p->description);
	free(p);
}

int
plugins_equal(const struct plugin_set *a, const struct plugin_set *b)
{
	size_t i, k;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct feedd_plugin *x = a->v[i].p, *y = b->v[i].p;

		if (!streq(x->name, y->name) || !streq(x->version, y->version) ||
		    x->flags != y->flags || (x->options == NULL) != (y->options == NULL))
			return 0;
		for (k = 0; x->options && (x->options[k] || y->options[k]); k++)
			if (!streq(x->options[k], y->options[k]))
				return 0;
	}
	return 1;
}

const struct plugin *
plugins_find(const struct plugin_set *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->v[i].p->name, name) == 0)
			return &set->v[i];
	return NULL;
}

char *
plugins_names(const struct plugin_set *set, char *out, size_t outlen)
{
	size_t i, n = 0;

	snprintf(out, outlen, "%s", set->n ? "" : "none");
	for (i = 0; i < set->n && n < outlen; i++)
		n += (size_t)snprintf(out + n, outlen - n, "%s%s", i ? ", " : "", set->v[i].p->name);
	return out;
}

void
plugins_free(struct plugin_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		if (set->v[i].handle != NULL)
			dlclose(set->v[i].handle);
		else
			free_described(set->v[i].p);
		free(set->v[i].path);
	}
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

/* Non-zero if this program is the one built in the build tree (not an installed copy). */
static int
running_from_build_tree(void)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return 0;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return 0;
	*slash = '\0';
	return strcmp(self, FEEDD_BUILDDIR) == 0;
}

const char *
plugins_default_dir(const char *dir)
{
	const char *env;

	if (dir != NULL && *dir != '\0')
		return dir;
	if ((env = getenv("FEEDD_PLUGIN_DIR")) != NULL && *env != '\0')
		return env;
	if (running_from_build_tree())
		return FEEDD_BUILDDIR "/plugins/.libs";
	return FEEDD_PLUGINDIR;
}
