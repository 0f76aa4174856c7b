/* roots: which blocks live at exit are still reachable, one allocation
 * function per way a block can be held (or not).  main ends with exit(0)
 * while its own frame is still live, so its locals are roots.
 *
 *   alloc_global       100 bytes, pointed to by a global          reachable
 *   alloc_main_local   200 bytes, by a local of main at exit      reachable
 *   alloc_tls          250 bytes, by a thread-local variable      reachable
 *   alloc_chain_head    32 bytes, by a global                     reachable
 *   alloc_chain_child  300 bytes, only by the chain head          reachable
 *   alloc_interior     400 bytes, only by a pointer 123 bytes in  reachable
 *   alloc_cycle        3 x 64 bytes, each pointing at the next,
 *                      nothing else pointing at them              lost
 *   alloc_xor          500 bytes, held only as p ^ a constant
 *                      that makes it no address                   lost
 *   alloc_dead_frame   600 bytes, held only by a local of a
 *                      function that has returned (dead stack)    lost
 *   alloc_freed        700 bytes, freed                           not live
 *
 * Live at exit: 100 + 200 + 250 + 32 + 300 + 400 + 192 + 500 + 600
 *             = 2,574 bytes in 1+1+1+1+1+1+3+1+1 = 11 blocks.
 * Lost: 192 + 500 + 600 = 1,292 bytes in 3 + 1 + 1 = 5 blocks.
 * Memcheck agrees: it calls one block of the cycle definitely lost and
 * the two it reaches indirectly lost, so definitely + indirectly lost =
 * 1,292 bytes in 5 blocks; "possibly lost" (the interior pointer) +
 * still reachable = 2,574 - 1,292 = 1,282 bytes in 6 blocks.
 *
 * Expected (derived by hand):
 *   Total:     3,274 bytes in 12 blocks
 *   At t-end:  2,574 bytes in 11 blocks
 *   Lost:      1,292 bytes in 5 blocks
 *   site alloc_global: eb=100 ebk=1 hhLostB=0 hhLostK=0
 *   site alloc_main_local: eb=200 ebk=1 hhLostB=0 hhLostK=0
 *   site alloc_tls: eb=250 ebk=1 hhLostB=0 hhLostK=0
 *   site alloc_chain_head: eb=32 ebk=1 hhLostB=0 hhLostK=0
 *   site alloc_chain_child: eb=300 ebk=1 hhLostB=0 hhLostK=0
 *   site alloc_interior: eb=400 ebk=1 hhLostB=0 hhLostK=0
 *   site alloc_cycle: eb=192 ebk=3 hhLostB=192 hhLostK=3
 *   site alloc_xor: eb=500 ebk=1 hhLostB=500 hhLostK=1
 *   site alloc_dead_frame: eb=600 ebk=1 hhLostB=600 hhLostK=1
 *   site alloc_freed: eb=0 ebk=0 hhLostB=0 hhLostK=0
 */
#include <stdint.h>
#include "prog_util.h"

/* Flips the top bits: the result is not a canonical amd64 address. */
#define HIDE_MASK 0xA5A5000000000000ULL

void *global_block;
struct chain { void *child; char pad[24]; } *global_chain;
char *global_interior;
uintptr_t global_hidden;
__thread void *tls_block;

__attribute__((noinline)) static void *alloc_global(void) { return malloc(100); }
__attribute__((noinline)) static void *alloc_main_local(void) { return malloc(200); }
__attribute__((noinline)) static void *alloc_tls(void) { return malloc(250); }
__attribute__((noinline)) static void *alloc_chain_head(void) { return malloc(32); }
__attribute__((noinline)) static void *alloc_chain_child(void) { return malloc(300); }
__attribute__((noinline)) static void *alloc_interior(void) { return malloc(400); }
__attribute__((noinline)) static void *alloc_cycle(void) { return malloc(64); }
__attribute__((noinline)) static void *alloc_xor(void) { return malloc(500); }
__attribute__((noinline)) static void *alloc_dead_frame(void) { return malloc(600); }
__attribute__((noinline)) static void *alloc_freed(void) { return malloc(700); }

/* Three blocks in a ring; the pointers to them die with this frame. */
__attribute__((noinline)) static void make_lost_cycle(void)
{
    void **a = alloc_cycle(), **b = alloc_cycle(), **c = alloc_cycle();
    check(a && b && c, "alloc_cycle");
    *a = b;
    *b = c;
    *c = a;
}

/* The block's address is kept only in a disguised form. */
__attribute__((noinline)) static void hide_block(void)
{
    void *p = alloc_xor();
    check(p != NULL, "alloc_xor");
    global_hidden = (uintptr_t)p ^ HIDE_MASK;
}

/* The only pointer stays in this frame's memory after it returns, 16 KiB
 * below main's frame: deeper than anything called later goes (exit and
 * libc's clean-up), so the stale word is still there at exit, in memory
 * below the stack pointer. */
#define DEEP_FRAME_WORDS 2048
__attribute__((noinline)) static void leave_in_dead_frame(void)
{
    void *volatile frame[DEEP_FRAME_WORDS];
    frame[0] = alloc_dead_frame();   /* the lowest address of the frame */
    check(frame[0] != NULL, "alloc_dead_frame");
}

int main(void)
{
    global_block = alloc_global();
    void *volatile main_local = alloc_main_local();
    tls_block = alloc_tls();
    global_chain = alloc_chain_head();
    check(global_block && main_local && tls_block && global_chain, "alloc");
    global_chain->child = alloc_chain_child();
    char *interior = alloc_interior();
    check(global_chain->child && interior, "alloc");
    global_interior = interior + 123;
    interior = NULL;
    make_lost_cycle();
    hide_block();
    leave_in_dead_frame();
    void *freed = alloc_freed();
    check(freed != NULL, "alloc_freed");
    free(freed);
    exit(0);
}
