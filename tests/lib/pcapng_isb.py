#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""What tshark cannot print: the interface statistics blocks of a pcapng file.

    pcapng_isb.py FILE

One line per interface, in interface block order:

    NAME packets=N dropcount=N isbs=N ifrecv=N ifdrop=N filteraccept=N osdrop=N usrdeliv=N

packets and dropcount count the interface's enhanced packet blocks and sum
their epb_dropcount; isbs counts its statistics blocks, and the counters are
those of the last one ("-" when absent). Every block is checked (total length
at both ends, alignment, options inside the block); a file that does not end
on a block boundary is an error: exit 1 with one line on stderr. Written from
the pcapng specification: block types SHB 0x0A0D0D0A, IDB 1, ISB 5, EPB 6.
"""
import struct
import sys

ISB_FIELDS = {4: "ifrecv", 5: "ifdrop", 6: "filteraccept", 7: "osdrop", 8: "usrdeliv"}


class Bad(Exception):
    pass


def options(data, bo):
    """(code, value) pairs until opt_endofopt or the end."""
    pos = 0
    while pos + 4 <= len(data):
        code, length = struct.unpack_from(bo + "HH", data, pos)
        if code == 0:
            return
        end = pos + 4 + length
        if end > len(data):
            raise Bad("option %d runs past its block" % code)
        yield code, data[pos + 4:end]
        pos = 4 + pos + ((length + 3) & ~3)


def parse(buf):
    ifaces = []
    bo = "<"
    pos = 0
    if len(buf) < 12 or buf[:4] != b"\x0a\x0d\x0d\x0a":
        raise Bad("no section header block at the start")
    while pos < len(buf):
        if len(buf) - pos < 12:
            raise Bad("%d stray bytes at offset %d" % (len(buf) - pos, pos))
        btype = struct.unpack_from(bo + "I", buf, pos)[0]
        if btype == 0x0A0D0D0A:
            magic = buf[pos + 8:pos + 12]
            bo = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">" if magic == b"\x1a\x2b\x3c\x4d" else None
            if bo is None:
                raise Bad("bad byte-order magic at offset %d" % pos)
            ifaces = []
        total = struct.unpack_from(bo + "I", buf, pos + 4)[0]
        if total < 12 or total % 4 or total > len(buf) - pos:
            raise Bad("block at offset %d: total length %d, %d bytes left (cut short)"
                      % (pos, total, len(buf) - pos))
        if struct.unpack_from(bo + "I", buf, pos + total - 4)[0] != total:
            raise Bad("block at offset %d: trailing length differs" % pos)
        body = buf[pos + 8:pos + total - 4]
        if btype == 1:
            name = "if%d" % len(ifaces)
            for code, val in options(body[8:], bo):
                if code == 2:
                    name = val.decode("utf-8", "replace")
            ifaces.append({"name": name, "packets": 0, "dropcount": 0, "isbs": 0})
        elif btype == 6:
            if_id, _, _, caplen, _ = struct.unpack_from(bo + "IIIII", body, 0)
            if if_id >= len(ifaces):
                raise Bad("packet on unknown interface %d" % if_id)
            ifc = ifaces[if_id]
            ifc["packets"] += 1
            for code, val in options(body[20 + ((caplen + 3) & ~3):], bo):
                if code == 4:
                    ifc["dropcount"] += struct.unpack(bo + "Q", val)[0]
        elif btype == 5:
            if_id = struct.unpack_from(bo + "I", body, 0)[0]
            if if_id >= len(ifaces):
                raise Bad("statistics of unknown interface %d" % if_id)
            ifc = ifaces[if_id]
            ifc["isbs"] += 1
            for field in ISB_FIELDS.values():
                ifc.pop(field, None)
            for code, val in options(body[12:], bo):
                if code in ISB_FIELDS:
                    ifc[ISB_FIELDS[code]] = struct.unpack(bo + "Q", val)[0]
        pos += total
    return ifaces


def main():
    if len(sys.argv) != 2:
        print("usage: pcapng_isb.py FILE", file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], "rb") as f:
            ifaces = parse(f.read())
    except (OSError, Bad, struct.error) as e:
        print("pcapng_isb: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 1
    for ifc in ifaces:
        print(ifc["name"], " ".join("%s=%s" % (k, ifc.get(k, "-")) for k in
                                     ["packets", "dropcount", "isbs"] + list(ISB_FIELDS.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
