/* fake_ruby.c: a program whose libfake_ruby.so (fake_libruby.c) looks
 * like libruby 3.1 to heaphunt's Ruby reader, but whose memory is not
 * Ruby's: a deliberately wrong layout, to show that an interpreter
 * heaphunt cannot read gives native frames and one line saying so, never
 * a crash or a wrong frame.
 *
 * The library exports ruby_version, ruby_current_vm_ptr and the
 * thread-local ruby_current_ec, and has a function named rb_vm_exec that
 * allocates.  Modes (argv[1]):
 *
 *   version     (built with ruby_version "3.2.0") not a version heaphunt
 *               reads.
 *   unmapped    the execution context's VM stack is a page that was
 *               unmapped.
 *   wrong-type  the VM stack is readable, but its control frame's env
 *               flags are not a frame's.
 *
 * Every mode allocates 100 blocks of 32 bytes under rb_vm_exec and 100
 * more after it, in main. */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hh_interp_layouts.h"

void fake_set_ec(void* ec);
void rb_vm_exec(void** kept, int n);

static unsigned char ec[256] __attribute__((aligned(16)));
static unsigned long vm_stack[64];
static unsigned long env[4];
static void* kept[200];

static void put_word(unsigned char* base, size_t offset, const void* value)
{
    memcpy(base + offset, &value, sizeof value);
}

int main(int argc, char** argv)
{
    const char* mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "unmapped") == 0) {
        long page = sysconf(_SC_PAGESIZE);
        void* gone = mmap(NULL, page, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        munmap(gone, page);
        put_word(ec, HH_RB31_EC_VM_STACK, gone);
        put_word(ec, HH_RB31_EC_VM_STACK_SIZE, (void*)(page / sizeof(long)));
        put_word(ec, HH_RB31_EC_CFP, gone);
    } else {
        /* One control frame at the top of a 64-word stack, then the two
           the reader skips at the bottom; its env flags are garbage. */
        size_t words = sizeof vm_stack / sizeof vm_stack[0];
        unsigned char* stack_end = (unsigned char*)(vm_stack + words);
        unsigned char* cfp = stack_end - 3 * HH_RB31_CFP;
        put_word(ec, HH_RB31_EC_VM_STACK, vm_stack);
        put_word(ec, HH_RB31_EC_VM_STACK_SIZE, (void*)words);
        put_word(ec, HH_RB31_EC_CFP, cfp);
        env[0] = 0x12345678;
        put_word(cfp, HH_RB31_CFP_EP, &env[0]);
    }
    fake_set_ec(ec);
    rb_vm_exec(kept, 100);
    for (int i = 100; i < 200; i++)
        kept[i] = malloc(32);
    return 0;
}
