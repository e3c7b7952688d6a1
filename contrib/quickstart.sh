#!/bin/sh
# contrib/quickstart.sh: install what mipsreview needs, build and install
# it, and show the main job on the embedded default database
# ($XDG_DATA_HOME/mipsreview/mipsreview.db): the Oct 11 2024 scenario.
set -eu
cd "$(dirname "$0")/.."
sh contrib/install-deps.sh
./autogen.sh >/dev/null 2>&1
mkdir -p build && cd build
../configure -q --prefix=/usr/local
make -j"$(nproc)" >/dev/null
make install >/dev/null
export PATH="/usr/local/bin:$PATH"
echo "== mipsreview $(mipsreview --version)"
echo "== a solo clinician whose EUC reweighting was not applied for PY2023:"
id=$(mipsreview add --tin 12-3456789 --npi 1234567893 --name "Dr. Ada Example" \
	--year 2023 --reason euc-not-applied --score 62.5 --adjustment -1.2 \
	--practice solo --participation individual \
	--note "Change Healthcare cyberattack; EUC application approved" --force)
echo "added case $id"
mipsreview list
mipsreview show "$id"
echo "== what is due today:"
mipsreview due
echo "== what was due on Oct 1 2024, inside the PY2023 window (MIPSREVIEW_NOW rehearses a date):"
MIPSREVIEW_NOW=2024-10-01T12:00:00Z mipsreview due
