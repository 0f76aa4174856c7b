/*--------------------------------------------------------------------*/
/*--- heaphunt_test.h: exact heap expectations in C++ unit tests   ---*/
/*--------------------------------------------------------------------*/

/* For GoogleTest and Catch2 (v2 and v3): include it after the
   framework's header.  It builds on heaphunt.h's client requests: a
   Scope reads the counts when it is made, delta() gives what happened
   since, and the macros compare a delta with the numbers the test
   expects, reporting a mismatch through the framework as a failure of
   the test, at the line of the macro, with expected and got.

     #include <gtest/gtest.h>            // or <catch2/catch.hpp>
     #include <valgrind/heaphunt_test.h> // (tool/ in the source tree)

     TEST(Queue, PushTwoFreesAll) {
         heaphunt::Scope scope;                   // process-wide counts
         { Queue q; q.push(1); q.push(2); }       // 24 + 2 * 16 bytes
         heaphunt::Delta d = scope.delta();
         HEAPHUNT_EXPECT_ALLOCS(d, 3, 24 + 2 * 16);   // blocks, bytes
         HEAPHUNT_EXPECT_NO_LEAKS(d);
     }

   Macros (each takes a Delta, or a Scope, which is read there):
     HEAPHUNT_EXPECT_ALLOCS(d, blocks, bytes)  allocated in the scope
     HEAPHUNT_EXPECT_LIVE(d, blocks, bytes)    left live by it (net)
     HEAPHUNT_EXPECT_NO_LEAKS(d)               HEAPHUNT_EXPECT_LIVE(d, 0, 0)
     HEAPHUNT_EXPECT_COUNT(d, field, n)        one field == n
     HEAPHUNT_EXPECT_AT_MOST(d, field, n)      one field <= n
   HEAPHUNT_ASSERT_* are the same, fatal (the test stops there).
   `field` is a HeaphuntStats field: total_blocks, curr_bytes,
   reads_bytes, copy_calls...

   heaphunt::Scope counts the whole process (the code under test may
   hand work to other threads); heaphunt::ThreadScope counts the
   calling thread only (HEAPHUNT_GET_THREAD_STATS), for tests that run
   in parallel threads of one process.  Scopes nest: each is its own
   before/after pair.

   Outside heaphunt (a native run, another tool) the expectations are
   not checked: they pass, and the first one prints once on stderr
   "heaphunt_test.h: not running under heaphunt: heap expectations not
   checked".  heaphunt::running() says which.

   Taking a delta, comparing and passing allocate nothing; a failure's
   message does (so read a Scope once into a Delta when several
   expectations check it).  See docs/testing.md. */

#ifndef __HEAPHUNT_TEST_H
#define __HEAPHUNT_TEST_H

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "heaphunt.h"

namespace heaphunt {

/* Differences of two HeaphuntStats, signed: curr_* go down when the
   scope frees what was allocated before it. */
struct Delta {
    long long curr_blocks, curr_bytes;
    long long total_blocks, total_bytes;
    long long peak_blocks, peak_bytes;
    long long reads_bytes, writes_bytes;
    long long copied_bytes, copy_calls;
    long long instrs;
    bool measured;    // false outside heaphunt: nothing to compare
};

inline bool running() { return RUNNING_ON_HEAPHUNT != 0; }

enum class Counting { Process, Thread };

class Scope {
public:
    explicit Scope(Counting counting = Counting::Process)
        : counting_(counting), start_(read(counting)) {}

    /* The counts since the scope was made. */
    Delta delta() const {
        Reading now = read(counting_);
        Delta d = {};
        d.measured = start_.ok && now.ok;
        if (d.measured) {
            const HeaphuntStats &a = start_.stats, &b = now.stats;
            d.curr_blocks  = (long long)(b.curr_blocks - a.curr_blocks);
            d.curr_bytes   = (long long)(b.curr_bytes - a.curr_bytes);
            d.total_blocks = (long long)(b.total_blocks - a.total_blocks);
            d.total_bytes  = (long long)(b.total_bytes - a.total_bytes);
            d.peak_blocks  = (long long)(b.peak_blocks - a.peak_blocks);
            d.peak_bytes   = (long long)(b.peak_bytes - a.peak_bytes);
            d.reads_bytes  = (long long)(b.reads_bytes - a.reads_bytes);
            d.writes_bytes = (long long)(b.writes_bytes - a.writes_bytes);
            d.copied_bytes = (long long)(b.copied_bytes - a.copied_bytes);
            d.copy_calls   = (long long)(b.copy_calls - a.copy_calls);
            d.instrs       = (long long)(b.instrs - a.instrs);
        }
        return d;
    }

private:
    struct Reading {
        HeaphuntStats stats;
        bool ok;
    };
    static Reading read(Counting counting) {
        Reading r = {};
        r.ok = (counting == Counting::Thread ? HEAPHUNT_GET_THREAD_STATS(&r.stats)
                                             : HEAPHUNT_GET_STATS(&r.stats)) != 0;
        return r;
    }
    Counting counting_;
    Reading start_;
};

/* The calling thread's counts only: the blocks it allocated (live ones
   until freed, by any thread), its reads, writes, copies, instructions. */
class ThreadScope : public Scope {
public:
    ThreadScope() : Scope(Counting::Thread) {}
};

namespace detail {

inline Delta delta_of(const Delta &d) { return d; }
inline Delta delta_of(const Scope &s) { return s.delta(); }

inline bool not_measured(const Delta &d) {
    if (d.measured)
        return false;
    if (running()) {
        /* Under a heaphunt that did not answer: an older one. */
        std::fputs("heaphunt_test.h: running under heaphunt, but it did not answer the"
                   " stats request (an older heaphunt?)\n", stderr);
        std::abort();
    }
    static bool said = false;
    if (!said) {
        said = true;
        std::fputs("heaphunt_test.h: not running under heaphunt: heap expectations"
                   " not checked\n", stderr);
    }
    return true;
}

/* "heaphunt: allocations in d: total_blocks expected 3, got 4;
   total_bytes expected 56, got 72", or "" when both match. */
inline std::string mismatch(const char *what, const char *delta_text,
                            const char *name1, long long want1, long long got1,
                            const char *name2, long long want2, long long got2) {
    if (want1 == got1 && want2 == got2)
        return std::string();
    std::ostringstream out;
    out << "heaphunt: " << what << " in " << delta_text << ": " << name1 << " expected "
        << want1 << ", got " << got1 << "; " << name2 << " expected " << want2 << ", got "
        << got2;
    return out.str();
}

inline std::string differs(const char *delta_text, const char *field, long long want,
                           long long got) {
    if (got == want)
        return std::string();
    std::ostringstream out;
    out << "heaphunt: " << field << " in " << delta_text << ": expected " << want
        << ", got " << got;
    return out.str();
}

inline std::string above(const char *delta_text, const char *field, long long most,
                         long long got) {
    if (got <= most)
        return std::string();
    std::ostringstream out;
    out << "heaphunt: " << field << " in " << delta_text << ": expected at most " << most
        << ", got " << got << " (" << (got - most) << " over)";
    return out.str();
}

}  // namespace detail
}  // namespace heaphunt

/* How a mismatch is reported: the framework's own failure, at the
   macro's file and line; FATAL_ also ends the test (a return, as
   GoogleTest's ASSERT_* do, so only in functions returning void). */
#if defined(ADD_FAILURE_AT) && defined(GTEST_FAIL_AT)
#  define HEAPHUNT_TEST_FAIL_(message)  ADD_FAILURE_AT(__FILE__, __LINE__) << (message)
#  define HEAPHUNT_TEST_FATAL_(message)                                    \
      { GTEST_FAIL_AT(__FILE__, __LINE__) << (message); return; }
#elif defined(CATCH_VERSION_MAJOR) && defined(FAIL_CHECK)
#  define HEAPHUNT_TEST_FAIL_(message)  FAIL_CHECK(message)
#  define HEAPHUNT_TEST_FATAL_(message) FAIL(message)
#else
#  error "heaphunt_test.h: include <gtest/gtest.h> or Catch2's header first"
#endif

/* check: an expression of type std::string, empty when the numbers
   match; report: HEAPHUNT_TEST_FAIL_ or HEAPHUNT_TEST_FATAL_. */
#define HEAPHUNT_TEST_EXPECT_(d, check, report)                            \
   do {                                                                    \
      const ::heaphunt::Delta heaphunt_d_ = ::heaphunt::detail::delta_of(d); \
      if (!::heaphunt::detail::not_measured(heaphunt_d_)) {                \
         const std::string heaphunt_message_ = (check);                    \
         if (!heaphunt_message_.empty())                                   \
            report(heaphunt_message_);                                     \
      }                                                                    \
   } while (0)

#define HEAPHUNT_TEST_PAIR_(d, what, f1, n1, f2, n2, report)               \
   HEAPHUNT_TEST_EXPECT_(d, ::heaphunt::detail::mismatch(                  \
      what, #d, #f1, (long long)(n1), heaphunt_d_.f1,                      \
      #f2, (long long)(n2), heaphunt_d_.f2), report)
#define HEAPHUNT_TEST_ONE_(d, f, n, report)                                \
   HEAPHUNT_TEST_EXPECT_(d, ::heaphunt::detail::differs(                   \
      #d, #f, (long long)(n), heaphunt_d_.f), report)
#define HEAPHUNT_TEST_AT_MOST_(d, f, n, report)                            \
   HEAPHUNT_TEST_EXPECT_(d, ::heaphunt::detail::above(                     \
      #d, #f, (long long)(n), heaphunt_d_.f), report)

#define HEAPHUNT_EXPECT_ALLOCS(d, blocks, bytes)                           \
   HEAPHUNT_TEST_PAIR_(d, "allocations", total_blocks, blocks,             \
                       total_bytes, bytes, HEAPHUNT_TEST_FAIL_)
#define HEAPHUNT_EXPECT_LIVE(d, blocks, bytes)                             \
   HEAPHUNT_TEST_PAIR_(d, "live blocks left", curr_blocks, blocks,         \
                       curr_bytes, bytes, HEAPHUNT_TEST_FAIL_)
#define HEAPHUNT_EXPECT_NO_LEAKS(d) HEAPHUNT_EXPECT_LIVE(d, 0, 0)
#define HEAPHUNT_EXPECT_COUNT(d, field, n)  HEAPHUNT_TEST_ONE_(d, field, n, HEAPHUNT_TEST_FAIL_)
#define HEAPHUNT_EXPECT_AT_MOST(d, field, n)                               \
   HEAPHUNT_TEST_AT_MOST_(d, field, n, HEAPHUNT_TEST_FAIL_)

#define HEAPHUNT_ASSERT_ALLOCS(d, blocks, bytes)                           \
   HEAPHUNT_TEST_PAIR_(d, "allocations", total_blocks, blocks,             \
                       total_bytes, bytes, HEAPHUNT_TEST_FATAL_)
#define HEAPHUNT_ASSERT_LIVE(d, blocks, bytes)                             \
   HEAPHUNT_TEST_PAIR_(d, "live blocks left", curr_blocks, blocks,         \
                       curr_bytes, bytes, HEAPHUNT_TEST_FATAL_)
#define HEAPHUNT_ASSERT_NO_LEAKS(d) HEAPHUNT_ASSERT_LIVE(d, 0, 0)
#define HEAPHUNT_ASSERT_COUNT(d, field, n)  HEAPHUNT_TEST_ONE_(d, field, n, HEAPHUNT_TEST_FATAL_)
#define HEAPHUNT_ASSERT_AT_MOST(d, field, n)                               \
   HEAPHUNT_TEST_AT_MOST_(d, field, n, HEAPHUNT_TEST_FATAL_)

#endif /* __HEAPHUNT_TEST_H */
