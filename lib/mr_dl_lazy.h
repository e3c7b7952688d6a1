/*
 * mr_dl_lazy: functions of a shared library that the programs do not
 * link, defined here under their own names, each opening the library on
 * its first call.  The dynamic loader's work for a library (relocating
 * libcrypto costs more than the sqlite3 shell's whole start) is then paid
 * only by the commands that call into it: hashing, file types, calendars.
 *
 * The headers of the library declare the functions, so the compiler
 * checks every definition against them.  A function the code starts to
 * use gets a line in the library's lib/mr_dl_*.c; until it has one the
 * programs fail to link, naming it.
 */
#ifndef MR_DL_LAZY_H
#define MR_DL_LAZY_H

struct mr_dl_lib {
	const char	*soname;
	const char	*package;	/* the Debian package that ships it */
	void		*handle;
};

/*
 * The address of name in lib, opening it on first use.  The packages
 * depend on these libraries, so failing to load one is a broken
 * installation: the process stops with a message naming the package, as
 * the dynamic loader would have at start.
 */
void	*mr_dl_lazy_sym(struct mr_dl_lib *lib, const char *name);

/* Define ret name params, forwarding args to the library's function. */
#define MR_DL_LAZY(lib, ret, name, params, args)			\
ret									\
name params								\
{									\
	static ret (*fn) params;					\
	ret (*f) params = __atomic_load_n(&fn, __ATOMIC_ACQUIRE);	\
									\
	if (f == NULL) {						\
		*(void **)&f = mr_dl_lazy_sym(&(lib), #name);		\
		__atomic_store_n(&fn, f, __ATOMIC_RELEASE);		\
	}								\
	return f args;							\
}

/* The same for a function that returns nothing. */
#define MR_DL_LAZY_VOID(lib, name, params, args)			\
void									\
name params								\
{									\
	static void (*fn) params;					\
	void (*f) params = __atomic_load_n(&fn, __ATOMIC_ACQUIRE);	\
									\
	if (f == NULL) {						\
		*(void **)&f = mr_dl_lazy_sym(&(lib), #name);		\
		__atomic_store_n(&fn, f, __ATOMIC_RELEASE);		\
	}								\
	f args;								\
}

#endif /* MR_DL_LAZY_H */
