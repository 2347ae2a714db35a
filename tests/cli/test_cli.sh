#!/usr/bin/env bash
# The command line and the extcap handshake as Wireshark runs them; no root,
# no capture. Also the per-user install that Wireshark 4.0 finds.
. "$(dirname "$0")/../lib/common.sh"
[ -x "$EBPFCAP" ] || skip_all "ebpfcap not built at $EBPFCAP"
TEST_TMP=$(mktemp -d /tmp/ebpfcap-cli.XXXXXX)
trap 'rm -rf "$TEST_TMP"' EXIT

version=$(sed -n 's/^AC_INIT(\[ebpfcap\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
is "$("$EBPFCAP" --version)" "ebpfcap $version" "--version prints the configured version"
"$EBPFCAP" --help | grep -q '^Usage: ebpfcap '
ok $? "--help starts with the usage line"

# tshark first asks with --extcap-version=4.0, and again without it if that fails.
with=$("$EBPFCAP" --extcap-interfaces --extcap-version=4.0)
ok $? "--extcap-interfaces --extcap-version=4.0 exits 0"
without=$("$EBPFCAP" --extcap-interfaces)
is "$with" "$without" "the interface list does not depend on --extcap-version"
[[ "$(echo "$with" | head -1)" =~ ^extcap\ \{version=$version\}\{help=file:///.*/doc/ebpfcap/README.md\}$ ]]
ok $? "first line: extcap version and help (the installed README)"
is "$(echo "$with" | sed -n 's/^interface {value=\([^}]*\)}.*/\1/p' | xargs)" "ebpfcap ebpfcap-tc ebpfcap-xdp" \
	"three interfaces, in order"
for ifc in ebpfcap ebpfcap-tc ebpfcap-xdp; do
	is "$("$EBPFCAP" --extcap-dlts --extcap-interface $ifc)" "dlt {number=1}{name=EN10MB}{display=Ethernet}" \
		"--extcap-dlts for $ifc"
	"$EBPFCAP" --extcap-config --extcap-interface $ifc >"$TEST_TMP/config" 2>"$TEST_TMP/err"
	ok $? "--extcap-config for $ifc exits 0"
	is "$(wc -c <"$TEST_TMP/err")" 0 "--extcap-config for $ifc: nothing on stderr"
done
"$EBPFCAP" --extcap-config --extcap-interface ebpfcap-tc --extcap-reload-option device >"$TEST_TMP/reload"
is "$(grep -vc '^value {arg=0}' "$TEST_TMP/reload")" 0 "--extcap-reload-option device: only the device values"
"$EBPFCAP" --extcap-interfaces --nosuch >/dev/null 2>"$TEST_TMP/err"
is "$?/$(cat "$TEST_TMP/err")" "1/ebpfcap: unknown option --nosuch (see ebpfcap --help)" \
	"an unknown option: exit 1 and one line" 

# make install-user: into $WIRESHARK_CONFIG_DIR/extcap, where tshark finds it.
if [ -f "$top_builddir/Makefile" ] && command -v tshark >/dev/null; then
	export WIRESHARK_CONFIG_DIR=$TEST_TMP/wsconf
	make -s -C "$top_builddir" install-user >/dev/null
	ok $? "make install-user succeeds"
	ok "$([ -x "$WIRESHARK_CONFIG_DIR/extcap/ebpfcap" ]; echo $?)" "installed in \$WIRESHARK_CONFIG_DIR/extcap"
	tshark -D 2>/dev/null | grep -q '\. ebpfcap-xdp (eBPF capture: XDP hook of one device)$'
	ok $? "tshark -D lists the per-user install"
else
	skip_case "not configured, or no tshark" "make install-user"
fi
done_testing
