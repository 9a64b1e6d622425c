/* A shared object without the plugin symbol: the loader must skip it. */
int not_a_feedd_plugin(void);

int
not_a_feedd_plugin(void)
{
	return 42;
}
