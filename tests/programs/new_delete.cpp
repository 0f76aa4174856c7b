/* new_delete: every form of C++ new and delete goes through the tool.
 *
 *   new int                         4 bytes    (plain; sized delete frees it)
 *   new char[100]                   100 bytes  (array; kept to the end)
 *   new (std::nothrow) char[50]     50 bytes   (nothrow array)
 *   new (std::nothrow) int          4 bytes    (nothrow)
 *   new Aligned                     64 bytes   (C++17 operator new(size,
 *                                               align_val_t), 64-aligned;
 *                                               freed by sized aligned delete)
 *   new Aligned[2]                  128 bytes  (aligned array; a trivially
 *                                               destructible type: no cookie)
 *   new WithDtor[3]                 3 x 4 + 8 = 20 bytes: an array of a type
 *                                               with a destructor carries an
 *                                               8-byte element-count cookie
 *
 * The program checks the aligned blocks' alignment itself (exit 2 if wrong).
 * All seven are live together (the peak), then all but char[100] deleted.
 *
 * Accesses: new WithDtor[3] writes its 8-byte cookie; delete[] reads the
 * cookie twice (once for the destructor loop's count, once for the size it
 * passes to the sized operator delete[]) and each ~WithDtor writes 4 bytes:
 * reads 16, writes 8 + 12 = 20.  No other block is touched by main.
 *
 * libstdc++ allocates its emergency exception-handling pool in a static
 * constructor before main: 64 objects of 1,024 bytes plus 64 x 112-byte
 * dependent-exception headers = 72,704 bytes, in one block whose only access
 * is the pool writing its first free-list entry (size and next: 16 bytes).
 * Valgrind runs libstdc++'s freeres at exit, which frees it.  It is live
 * during the peak.
 *
 * Expected (derived by hand, libstdc++'s pool included):
 *   Total:     73,074 bytes in 8 blocks
 *   At t-gmax: 73,074 bytes in 8 blocks
 *   At t-end:  100 bytes in 1 blocks
 *   Reads:     16 bytes
 *   Writes:    36 bytes
 *   site new_plain: tb=4 tbk=1 gb=4 gbk=1 eb=0 ebk=0 rb=0 wb=0
 *   site new_array: tb=100 tbk=1 gb=100 gbk=1 eb=100 ebk=1 rb=0 wb=0
 *   site new_nothrow_array: tb=50 tbk=1 gb=50 gbk=1 eb=0 ebk=0
 *   site new_nothrow: tb=4 tbk=1 gb=4 gbk=1 eb=0 ebk=0
 *   site new_aligned: tb=64 tbk=1 gb=64 gbk=1 eb=0 ebk=0
 *   site new_aligned_array: tb=128 tbk=1 gb=128 gbk=1 eb=0 ebk=0
 *   site new_with_dtor_array: tb=20 tbk=1 gb=20 gbk=1 eb=0 ebk=0 rb=16 wb=20
 */
#include <cstdint>
#include <new>
#include <unistd.h>

struct alignas(64) Aligned {
    char bytes[64];
};

struct WithDtor {
    int value;
    ~WithDtor() { value = 0; }
};

static void check(bool ok, const char *what_failed)
{
    if (!ok) {
        ssize_t ignored = write(2, what_failed, __builtin_strlen(what_failed));
        (void)ignored;
        _exit(2);
    }
}

__attribute__((noinline)) static int *new_plain() { return new int; }
__attribute__((noinline)) static char *new_array() { return new char[100]; }
__attribute__((noinline)) static char *new_nothrow_array() { return new (std::nothrow) char[50]; }
__attribute__((noinline)) static int *new_nothrow() { return new (std::nothrow) int; }
__attribute__((noinline)) static Aligned *new_aligned() { return new Aligned; }
__attribute__((noinline)) static Aligned *new_aligned_array() { return new Aligned[2]; }
__attribute__((noinline)) static WithDtor *new_with_dtor_array() { return new WithDtor[3]; }

static bool is_aligned(const void *p, std::uintptr_t alignment_bytes)
{
    return p != nullptr && reinterpret_cast<std::uintptr_t>(p) % alignment_bytes == 0;
}

int main()
{
    int *plain = new_plain();
    char *array = new_array();
    char *nothrow_array = new_nothrow_array();
    int *nothrow_one = new_nothrow();
    Aligned *aligned = new_aligned();
    Aligned *aligned_array = new_aligned_array();
    WithDtor *with_dtor = new_with_dtor_array();
    check(plain && array && nothrow_array && nothrow_one && with_dtor, "a new returned NULL\n");
    check(is_aligned(aligned, 64), "new Aligned is not 64-aligned\n");
    check(is_aligned(aligned_array, 64), "new Aligned[2] is not 64-aligned\n");

    delete plain;                 // operator delete(void*, size_t): sized
    delete[] nothrow_array;
    delete nothrow_one;
    delete aligned;               // operator delete(void*, size_t, align_val_t)
    delete[] aligned_array;       // operator delete[](void*, align_val_t)
    delete[] with_dtor;           // runs ~WithDtor on 3 elements
    (void)array;                  // kept: the one block live at exit
    return 0;
}
