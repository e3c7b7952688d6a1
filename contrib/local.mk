# contrib/: quick start, dependency installer, service files.
EXTRA_DIST += contrib/install-deps.sh contrib/quickstart.sh contrib/run-tests.sh
