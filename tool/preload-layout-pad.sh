#!/bin/sh
# preload-layout-pad.sh REFERENCE.so UNPADDED.so
#
# Prints how many bytes of .bss padding make UNPADDED.so span as much
# address space as REFERENCE.so (DHAT's preload): see hh_layout_pad.c.
# Prints 1 (no padding) when the reference is missing or smaller, with
# a warning on stderr in the second case.
set -eu
ref=$1
ours=$2
page=4096
# 128 bytes of slack for the alignment of .bss objects around the pad.
slack=128

# End of the highest PT_LOAD segment: vaddr + memsz.
load_end() {
    max=0
    for end in $(readelf -lW "$1" | awk '$1 == "LOAD" { print $3 "+" $6 }'); do
        end=$(( $end ))
        [ "$end" -gt "$max" ] && max=$end
    done
    echo "$max"
}

if [ ! -f "$ref" ]; then
    echo 1
    exit 0
fi
ref_end=$(load_end "$ref")
ref_span=$(( (ref_end + page - 1) / page * page ))
our_end=$(load_end "$ours")
pad=$(( ref_span - our_end - slack ))
if [ "$pad" -lt 1 ]; then
    echo "preload-layout-pad: $ours already spans more than $ref;" \
         "address layouts will differ from DHAT's" >&2
    echo 1
    exit 0
fi
echo "$pad"
