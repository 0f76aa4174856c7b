// test_inbox.cpp: the C++ variant of test_queue.c: exact heap counts of an
// RAII container and of std::vector / std::string, asserted from inside the
// program with heaphunt's client requests (tool/heaphunt.h).
//
// The code under test is an Inbox: a fixed-capacity message store that owns
// a std::vector<Message> (reserve()d once in its constructor, so it never
// grows) and releases everything in its destructor.  Each test takes
// HEAPHUNT_GET_STATS before and after the code it tests and asserts the
// differences, so the tests pass in any order, in one process.
//
//     ./test_inbox                      run every test, in the order below
//     ./test_inbox NAME...              run the named tests, in that order
//
// One line per test ("PASS name" / "FAIL name: ..."); the exit status is the
// number of failed tests.  Natively (not under heaphunt) the requests do
// nothing: "not under heaphunt, skipped", exit 0.
//
//     g++ -std=c++17 -O0 -g -I tool $(pkg-config --cflags valgrind)
//         -o test_inbox examples/client-requests/test_inbox.cpp     (one line)
//     ./vg-in-place --heaphunt-out-file=test_inbox.profile.json ./test_inbox
//
// Expected numbers, derived by hand from this file and from libstdc++
// (GCC's C++ library, the one Debian's g++ uses), on x86-64:
//
//   sizeof(std::string) = 32: pointer, length, and a 16-byte buffer that
//       holds strings of up to 15 characters in place (the "small string
//       optimisation"): no heap block at all for those.  A longer string
//       of n characters allocates one block of n + 1 bytes (the
//       terminating NUL) when built from a const char *.
//   sizeof(Message) = 32 (topic) + 8 (id) = 40, checked by static_assert.
//   std::vector<T>::reserve(n) on an empty vector: one block of
//       n * sizeof(T) bytes.
//   std::vector<T>::push_back when full: libstdc++'s _M_check_len gives the
//       new capacity size + max(size, 1), i.e. 1, 2, 4, 8, ...; each growth
//       is a new block of new_capacity * sizeof(T), the elements move, and
//       the old block is freed.
//   Bytes are the sizes requested from operator new, as for malloc.

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "heaphunt.h"

// ------------------------------------------------------------------------
// The code under test: an RAII inbox.
// ------------------------------------------------------------------------

struct Message {
    std::string topic;
    int64_t id;
};
static_assert(sizeof(std::string) == 32, "libstdc++'s std::string on a 64-bit target");
static_assert(sizeof(Message) == 40, "the counts below assume a 40-byte Message");

class Inbox {
public:
    // One block: room for `capacity` messages, so post() never reallocates.
    explicit Inbox(size_t capacity) : capacity_(capacity) { messages_.reserve(capacity); }

    // Returns false (and stores nothing) when the inbox is full.
    bool post(const char *topic, int64_t id)
    {
        if (messages_.size() == capacity_) return false;
        messages_.push_back(Message{topic, id});
        return true;
    }

    size_t size() const { return messages_.size(); }

private:
    size_t capacity_;
    std::vector<Message> messages_;
};

// ------------------------------------------------------------------------
// A minimal test harness: deltas of HeaphuntStats fields.
// ------------------------------------------------------------------------

static const char *current_test;
static int current_failures;

static void expect_delta(const char *field, long long got, long long expected)
{
    if (got == expected) return;
    if (current_failures == 0) std::printf("FAIL %s:", current_test);
    std::printf(" %s delta expected %lld, got %lld;", field, expected, got);
    current_failures++;
}

// Signed: curr_* go down when a test frees more than it allocates.
#define EXPECT_DELTA(field, expected) \
    expect_delta(#field, (long long)(after.field - before.field), (long long)(expected))

#define EXPECT_TRUE(cond) \
    do { if (!(cond)) expect_delta("(" #cond ")", 0, 1); } while (0)

// Under heaphunt the request always fills the struct (main has checked
// RUNNING_ON_HEAPHUNT), so 0 means another tool is running the program.
static void take_stats(HeaphuntStats *stats)
{
    if (!HEAPHUNT_GET_STATS(stats)) {
        std::printf("HEAPHUNT_GET_STATS failed: not running under heaphunt?\n");
        std::exit(2);
    }
}

// An Inbox for 8 messages: its vector's one block of 8 x 40 = 320 bytes
// (the Inbox object itself is on the stack).  Eight short topics (at most
// 15 characters) live inside their std::string: no more blocks.  The
// destructor frees the one block.
static void test_reserve_is_one_block()
{
    HeaphuntStats before, after;
    take_stats(&before);
    {
        Inbox box(8);
        for (int64_t i = 0; i < 8; i++)
            box.post("order.created", i);       // 13 characters: in place
        EXPECT_TRUE(box.size() == 8);
    }
    take_stats(&after);
    EXPECT_DELTA(total_blocks, 1);
    EXPECT_DELTA(total_bytes, 8 * 40);
    EXPECT_DELTA(curr_blocks, 0);
    EXPECT_DELTA(curr_bytes, 0);
}

// A topic of 24 characters does not fit in place: Message{topic, id}
// builds a std::string from the const char *, one block of 24 + 1 = 25
// bytes, which push_back moves (the pointer, no new block) into the
// vector.  Posting to a full inbox allocates nothing.
static void test_long_topic_allocates_its_text()
{
    Inbox box(1);
    HeaphuntStats before, after;
    take_stats(&before);
    bool stored = box.post("inventory.reserved.v2.eu", 1);   // 24 characters
    bool refused = !box.post("x", 2);
    take_stats(&after);
    EXPECT_TRUE(stored && refused);
    EXPECT_DELTA(total_blocks, 1);
    EXPECT_DELTA(total_bytes, 25);
    EXPECT_DELTA(curr_blocks, 1);
    EXPECT_DELTA(curr_bytes, 25);
}

// Leaving the scope frees everything: the vector's block (2 x 40 = 80)
// and the long topic's text (22 characters: 23 bytes).
static void test_destructor_frees_everything()
{
    HeaphuntStats before, after;
    take_stats(&before);
    {
        Inbox box(2);
        box.post("billing.invoice.issued", 7);   // 22 characters: 23 bytes
        box.post("short", 8);                    // in place
    }
    take_stats(&after);
    EXPECT_DELTA(total_blocks, 2);
    EXPECT_DELTA(total_bytes, 2 * 40 + 23);
    EXPECT_DELTA(curr_blocks, 0);
    EXPECT_DELTA(curr_bytes, 0);
}

// Without reserve(), five push_backs of int64_t grow the capacity
// 0 -> 1 -> 2 -> 4 -> 8 (libstdc++: size + max(size, 1)): four blocks of
// 8, 16, 32 and 64 bytes = 120 bytes, of which only the last (64 bytes)
// is live afterwards.
static void test_vector_growth_policy()
{
    HeaphuntStats before, after;
    take_stats(&before);
    std::vector<int64_t> ids;
    for (int64_t i = 0; i < 5; i++)
        ids.push_back(i);
    take_stats(&after);
    EXPECT_TRUE(ids.capacity() == 8);
    EXPECT_DELTA(total_blocks, 4);
    EXPECT_DELTA(total_bytes, 8 + 16 + 32 + 64);
    EXPECT_DELTA(curr_blocks, 1);
    EXPECT_DELTA(curr_bytes, 64);
}

// The same five values after reserve(5): one block of 40 bytes.
static void test_vector_reserve_avoids_growth()
{
    HeaphuntStats before, after;
    take_stats(&before);
    std::vector<int64_t> ids;
    ids.reserve(5);
    for (int64_t i = 0; i < 5; i++)
        ids.push_back(i);
    take_stats(&after);
    EXPECT_DELTA(total_blocks, 1);
    EXPECT_DELTA(total_bytes, 5 * 8);
    EXPECT_DELTA(curr_bytes, 5 * 8);
}

// make_unique<Message>: one block of sizeof(Message) = 40 bytes (its
// 5-character topic stays in place); the unique_ptr frees it on reset.
static void test_unique_ptr_owns_one_block()
{
    HeaphuntStats before, after;
    take_stats(&before);
    auto message = std::make_unique<Message>(Message{"ready", 3});
    take_stats(&after);
    EXPECT_DELTA(total_blocks, 1);
    EXPECT_DELTA(total_bytes, 40);
    EXPECT_DELTA(curr_bytes, 40);

    take_stats(&before);
    message.reset();
    take_stats(&after);
    EXPECT_DELTA(curr_blocks, -1);
    EXPECT_DELTA(curr_bytes, -40);
}

// ------------------------------------------------------------------------
// Running the tests
// ------------------------------------------------------------------------

struct Test {
    const char *name;
    void (*run)();
};

static const Test tests[] = {
    {"test_reserve_is_one_block", test_reserve_is_one_block},
    {"test_long_topic_allocates_its_text", test_long_topic_allocates_its_text},
    {"test_destructor_frees_everything", test_destructor_frees_everything},
    {"test_vector_growth_policy", test_vector_growth_policy},
    {"test_vector_reserve_avoids_growth", test_vector_reserve_avoids_growth},
    {"test_unique_ptr_owns_one_block", test_unique_ptr_owns_one_block},
};

static int run_test(const Test &t)
{
    current_test = t.name;
    current_failures = 0;
    HEAPHUNT_CHECKPOINT(t.name);     // the test's start, in hhCheckpoints
    t.run();
    if (current_failures == 0)
        std::printf("PASS %s\n", t.name);
    else
        std::printf("\n");
    std::fflush(stdout);
    return current_failures == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (!RUNNING_ON_HEAPHUNT) {
        std::printf("not under heaphunt, skipped\n");
        return 0;
    }
    int failed = 0, ran = 0;
    if (argc == 1) {
        for (const Test &t : tests) {
            failed += run_test(t);
            ran++;
        }
    } else {
        for (int a = 1; a < argc; a++) {
            const Test *found = nullptr;
            for (const Test &t : tests)
                if (std::strcmp(t.name, argv[a]) == 0) found = &t;
            ran++;
            if (found == nullptr) {
                std::printf("FAIL %s: no such test\n", argv[a]);
                failed++;
                continue;
            }
            failed += run_test(*found);
        }
    }
    std::printf("%d passed, %d failed\n", ran - failed, failed);
    return failed;
}
