/* strmem_env_frames: allocations made inside the preload's environment
 * wrappers are named, frame by frame, as DHAT names them.
 *
 * DHAT's preload (and so heaphunt's) wraps putenv and setenv, so an
 * allocation glibc makes inside them has a preload frame in the middle of
 * its stack: malloc <- __add_to_environ <- putenv (glibc) <- putenv (the
 * wrapper) <- main.  DHAT names the wrapper's frame by its object,
 * "putenv (in .../vgpreload_dhat-amd64-linux.so)"; heaphunt must name its
 * own the same way (not by its source line), so that the two tools' sites
 * match once the preload frames are set aside.
 *
 * clearenv() first, so that glibc's environment array starts empty:
 *   putenv("HH_A=1"):    the array for 1 entry and the terminator, (0 + 2)
 *                        x 8 = 16 bytes (a realloc of NULL), in putenv's
 *                        site
 *   setenv("HH_B", "2"): the array grows to (1 + 2) x 8 = 24 bytes by
 *                        realloc (counted in the block's site, putenv's: a
 *                        second block of 24); the string "HH_B=2" (4 + 1 +
 *                        2 = 7 bytes); a 24-byte tsearch node (glibc
 *                        remembers the values it allocated)
 *   at exit glibc's freeres frees all three (libc freeres is on for both
 *   tools).
 * Total 16 + 24 + 7 + 24 = 71 bytes in 4 blocks; the peak is after the
 * tsearch node: 24 + 7 + 24 = 55 bytes in 3 blocks.  Reads and writes are
 * glibc's own and not derived here.
 *
 * Expected (derived by hand):
 *   Total:     71 bytes in 4 blocks
 *   At t-gmax: 55 bytes in 3 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   site __add_to_environ/putenv: tb=40 tbk=2 eb=0
 *   site __add_to_environ/main: tb=7 tbk=1 eb=0
 *   site tsearch: tb=24 tbk=1 eb=0
 */
#include "prog_util.h"

int main(void)
{
    check(clearenv() == 0, "clearenv");
    check(putenv("HH_A=1") == 0, "putenv");
    check(setenv("HH_B", "2", 1) == 0, "setenv");
    return 0;
}
