#!/bin/sh
# Installs what ebpfcap needs to build, test and run on Debian 12 (as root).
set -e
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; keep Debian's default (no).
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake pkg-config \
	clang llvm libclang-rt-dev bpftool libbpf-dev libpcap-dev libglib2.0-dev libelf-dev zlib1g-dev linux-libc-dev \
	tshark wireshark-common tcpdump iproute2 iputils-ping procps util-linux nftables netcat-openbsd \
	curl python3 libcap2-bin passwd ethtool \
	cppcheck clang-tidy valgrind \
	>/dev/null
