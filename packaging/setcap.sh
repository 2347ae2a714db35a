#!/bin/sh
# Lets the members of one group capture with an installed ebpfcap, the way
# Wireshark's dumpcap is installed: owner root, group GROUP, mode 0750, and
# file capabilities in the permitted set. ebpfcap makes CAP_BPF, CAP_PERFMON
# and CAP_NET_ADMIN effective at start, and CAP_DAC_READ_SEARCH and
# CAP_SYSLOG only around its reads of tracefs and /proc/kallsyms (see README
# "Running without root"). Run by "make install" and by the tests.
#   packaging/setcap.sh [--group NAME] [--create-group] [--caps LIST|none] FILE
set -eu

CAPS=cap_bpf,cap_perfmon,cap_net_admin,cap_dac_read_search,cap_syslog
group=ebpfcap
create=no
usage() {
	echo "usage: $0 [--group NAME] [--create-group] [--caps LIST|none] FILE" >&2
	exit 2
}
while [ $# -gt 1 ]; do
	case $1 in
	--group) [ $# -gt 2 ] || usage; group=$2; shift 2 ;;
	--create-group) create=yes; shift ;;
	--caps) [ $# -gt 2 ] || usage; CAPS=$2; shift 2 ;;
	*) usage ;;
	esac
done
[ $# -eq 1 ] || usage
file=$1
PATH=$PATH:/usr/sbin:/sbin

if [ "$(id -u)" -ne 0 ]; then
	echo "setcap.sh: not root: $file stays usable by root only (run $0 $file as root)" >&2
	exit 0
fi
if ! getent group "$group" >/dev/null; then
	if [ "$create" = no ]; then
		echo "setcap.sh: no group $group (create it with groupadd -r $group)" >&2
		exit 1
	fi
	groupadd -r "$group"
	echo "setcap.sh: created the system group $group; add users with: usermod -aG $group USER"
fi
if [ "$CAPS" != none ] && ! command -v setcap >/dev/null; then
	echo "setcap.sh: setcap not found (apt-get install libcap2-bin, or configure --disable-setcap)" >&2
	exit 1
fi
chown "root:$group" "$file"
chmod 0750 "$file"
if [ "$CAPS" = none ]; then
	setcap -r "$file" 2>/dev/null || true
else
	setcap "$CAPS+p" "$file"
fi
