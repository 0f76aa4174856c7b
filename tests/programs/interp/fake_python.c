/* fake_python.c: a program that looks like CPython 3.11 to heaphunt's
 * Python reader, but whose memory is not CPython's: a deliberately wrong
 * layout, to show that an interpreter heaphunt cannot read gives native
 * frames and one line saying so, never a crash or a wrong frame.
 *
 * It exports what the reader looks for (_PyRuntime, Py_Version and the
 * type objects) and has a function named _PyEval_EvalFrameDefault that
 * allocates, so that heaphunt attaches to it.  The pointers sit where
 * the real layout puts them (tool/hh_interp_layouts.h); where they lead
 * depends on the mode (argv[1]):
 *
 *   version     Py_Version says 3.12.0: not a version heaphunt reads.
 *   debug       3.11.2, but it exports _Py_RefTotal like a debug build.
 *   unmapped    3.11.2; the current thread state's cframe points at a
 *               page that was unmapped.
 *   wrong-type  3.11.2; the current frame's f_code points at an object
 *               whose type is not PyCode_Type.
 *
 * Every mode allocates 100 blocks of 32 bytes under
 * _PyEval_EvalFrameDefault, and 100 more after it, in main. */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hh_interp_layouts.h"

/* Big enough for every offset the reader uses. */
unsigned char _PyRuntime[4096] __attribute__((aligned(16)));
unsigned long Py_Version = HH_PY311_VERSION_HEX;
unsigned char PyCode_Type[512] __attribute__((aligned(16)));
unsigned char PyUnicode_Type[512] __attribute__((aligned(16)));
unsigned char PyBytes_Type[512] __attribute__((aligned(16)));
#ifdef FAKE_DEBUG_BUILD
long _Py_RefTotal;
#endif

static unsigned char thread_state[4096] __attribute__((aligned(16)));
static unsigned char cframe[64] __attribute__((aligned(16)));
static unsigned char frame[256] __attribute__((aligned(16)));
static unsigned char not_code[512] __attribute__((aligned(16)));
static void* kept[200];

static void put_word(unsigned char* base, size_t offset, const void* value)
{
    memcpy(base + offset, &value, sizeof value);
}

__attribute__((noinline)) void fake_code_dealloc(void* code)
{
    (void)code;
}

__attribute__((noinline)) void _PyEval_EvalFrameDefault(int first)
{
    for (int i = 0; i < 100; i++)
        kept[first + i] = malloc(32);
}

int main(int argc, char** argv)
{
    const char* mode = argc > 1 ? argv[1] : "";
    put_word(PyCode_Type, HH_PY311_TYPE_DEALLOC, (void*)fake_code_dealloc);
    if (strcmp(mode, "version") == 0)
        Py_Version = 0x030c00f0;   /* 3.12.0 final */

    /* The thread state of this thread, as the reader finds it. */
    put_word(_PyRuntime, HH_PY311_RUNTIME_TSTATE_CURRENT, thread_state);
    put_word(thread_state, HH_PY311_TSTATE_THREAD_ID, (void*)pthread_self());
    if (strcmp(mode, "unmapped") == 0) {
        long page = sysconf(_SC_PAGESIZE);
        void* gone = mmap(NULL, page, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        munmap(gone, page);
        put_word(thread_state, HH_PY311_TSTATE_CFRAME, gone);
    } else {
        put_word(thread_state, HH_PY311_TSTATE_CFRAME, cframe);
        put_word(cframe, HH_PY311_CFRAME_CURRENT_FRAME, frame);
        put_word(frame, HH_PY311_FRAME_F_CODE, not_code);
        put_word(not_code, HH_PY311_OBJECT_TYPE, PyBytes_Type);
        frame[HH_PY311_FRAME_IS_ENTRY] = 1;
    }

    _PyEval_EvalFrameDefault(0);
    for (int i = 100; i < 200; i++)
        kept[i] = malloc(32);
    return 0;
}
