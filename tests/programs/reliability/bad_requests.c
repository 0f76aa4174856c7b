/* bad_requests: heaphunt.h's requests given bad pointers, each from its
 * own function (so each has its own calling stack), then good ones.
 *
 * Natively every macro does nothing and returns 0; under heaphunt each bad
 * request must be refused with one line and return 0, leaving the
 * program's memory as it was, and the program must go on:
 *
 *   stats_unmapped      HEAPHUNT_GET_STATS into a page that is not mapped
 *   stats_read_only     HEAPHUNT_GET_STATS into a const struct (.rodata)
 *   stats_straddling    HEAPHUNT_GET_STATS into a struct whose last 8 bytes
 *                       are on an unmapped page (the first 80 must stay as
 *                       they were: 0xAB)
 *   dump_unmapped       HEAPHUNT_DUMP with a path on an unmapped page
 *   dump_unterminated   HEAPHUNT_DUMP with a path that runs, without a NUL,
 *                       to the end of the mapping (a page of 'a')
 *   dump_tilde          HEAPHUNT_DUMP("~/x.json"): no shell expands ~ here
 *   checkpoint_low      HEAPHUNT_CHECKPOINT((char *)0x1000)
 *   checkpoint_unterminated  HEAPHUNT_CHECKPOINT on the page of 'a'
 *
 * 9 requests in all (two for "~": "~/x.json" and "~root/x.json"), each
 * printing "<name> <return value>" on stdout (0 for the checkpoints, which
 * return nothing).  Then, good requests: one malloc of
 * 100 bytes filled (in keep_hundred), HEAPHUNT_CHECKPOINT("after"),
 * HEAPHUNT_GET_STATS into a stack struct (curr_bytes must be 100), and
 * HEAPHUNT_DUMP(argv[1]) (returns 1): stdout "good 1 1 1".
 *
 * Expected (derived by hand):
 *   Total:     100 bytes in 1 blocks
 *   At t-end:  100 bytes in 1 blocks
 *   Writes:    100 bytes
 *   stdout: stats_unmapped 0 / stats_read_only 0 / stats_straddling 0 /
 *           dump_unmapped 0 / dump_unterminated 0 / dump_tilde 0 /
 *           dump_tilde_user 0 / checkpoint_low 0 /
 *           checkpoint_unterminated 0 / good 1 1 1
 *   one checkpoint in the profile, "after", at 100 bytes in 1 block.
 */
#include <sys/mman.h>
#include "../../../tool/heaphunt.h" /* needs -I /usr/include/valgrind */
#include "prog_util.h"

#define PAGE 4096

static const HeaphuntStats read_only_stats = { 0 };

static void say(const char *name, unsigned long result)
{
    put_str(1, name);
    put_str(1, " ");
    put_u64(1, result);
    put_str(1, "\n");
}

/* Two pages, the second unmapped again: returns the first. */
static char *page_before_a_hole(void)
{
    char *pages = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(pages != MAP_FAILED, "mmap");
    check(munmap(pages + PAGE, PAGE) == 0, "munmap");
    return pages;
}

__attribute__((noinline)) static void stats_unmapped(char *hole)
{
    say("stats_unmapped", HEAPHUNT_GET_STATS((HeaphuntStats *)hole));
}

__attribute__((noinline)) static void stats_read_only(void)
{
    say("stats_read_only",
        HEAPHUNT_GET_STATS((HeaphuntStats *)&read_only_stats));
}

__attribute__((noinline)) static void stats_straddling(char *page)
{
    HeaphuntStats *straddling = (HeaphuntStats *)(page + PAGE - 80);
    memset(page + PAGE - 80, 0xAB, 80);
    say("stats_straddling", HEAPHUNT_GET_STATS(straddling));
    for (int i = 0; i < 80; i++)
        check((unsigned char)page[PAGE - 80 + i] == 0xAB,
              "a refused GET_STATS wrote to the program's memory");
}

__attribute__((noinline)) static void dump_unmapped(char *hole)
{
    say("dump_unmapped", HEAPHUNT_DUMP(hole));
}

__attribute__((noinline)) static void dump_unterminated(char *page)
{
    say("dump_unterminated", HEAPHUNT_DUMP(page));
}

__attribute__((noinline)) static void dump_tilde(void)
{
    say("dump_tilde", HEAPHUNT_DUMP("~/x.json"));
}

__attribute__((noinline)) static void dump_tilde_user(void)
{
    say("dump_tilde_user", HEAPHUNT_DUMP("~root/x.json"));
}

__attribute__((noinline)) static void checkpoint_low(void)
{
    HEAPHUNT_CHECKPOINT((char *)0x1000);
    say("checkpoint_low", 0);
}

__attribute__((noinline)) static void checkpoint_unterminated(char *page)
{
    HEAPHUNT_CHECKPOINT(page);
    say("checkpoint_unterminated", 0);
}

__attribute__((noinline)) static char *keep_hundred(void)
{
    char *p = malloc(100);
    memset(p, 1, 100);
    return p;
}

int main(int argc, char **argv)
{
    check(argc == 2, "usage: bad_requests DUMP-PATH");
    char *page = page_before_a_hole();
    char *hole = page + PAGE;

    stats_unmapped(hole);
    stats_read_only();
    stats_straddling(page);
    memset(page, 'a', PAGE);   /* no NUL anywhere before the hole */
    dump_unmapped(hole);
    dump_unterminated(page);
    dump_tilde();
    dump_tilde_user();
    checkpoint_low();
    checkpoint_unterminated(page);

    keep_hundred();
    HEAPHUNT_CHECKPOINT("after");
    HeaphuntStats stats;
    memset(&stats, 0, sizeof stats);
    unsigned long filled = HEAPHUNT_GET_STATS(&stats);
    unsigned long dumped = HEAPHUNT_DUMP(argv[1]);
    put_str(1, "good ");
    put_u64(1, filled);
    put_str(1, " ");
    put_u64(1, stats.curr_bytes == 100);
    put_str(1, " ");
    put_u64(1, dumped);
    put_str(1, "\n");
    return 0;
}
