/* fake_libruby.c: a shared library that looks like libruby 3.1 to
 * heaphunt's Ruby reader, but whose memory is not Ruby's: see
 * fake_ruby.c, which links it. */

#include <stdlib.h>

#ifndef FAKE_RUBY_VERSION
#define FAKE_RUBY_VERSION "3.1.2"
#endif

const char ruby_version[] = FAKE_RUBY_VERSION;
void* ruby_current_vm_ptr;
__thread void* ruby_current_ec;

void fake_set_ec(void* ec)
{
    ruby_current_ec = ec;
}

__attribute__((noinline)) void rb_vm_exec(void** kept, int n)
{
    for (int i = 0; i < n; i++)
        kept[i] = malloc(32);
}
