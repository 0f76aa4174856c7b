// test_order_book_catch2.cpp: the GoogleTest example's tests in Catch2
// (Debian's catch2 package: Catch2 2.x, one header), with the same
// heaphunt_test.h macros; every expected number is derived in the comment
// above its check, from the sizes in order_book.h's header.
//
//     g++ -std=c++17 -O0 -g -I ../../tool $(pkg-config --cflags valgrind)
//         -o test_order_book_catch2 test_order_book_catch2.cpp
//     ../../vg-in-place -q --heaphunt-out-file=catch2.profile.json ./test_order_book_catch2
//
// The test tagged [.demo] shows what a failure looks like; hidden tests run
// only when named: ./test_order_book_catch2 '[.demo]'.

#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "heaphunt_test.h"
#include "order_book.h"

TEST_CASE("add allocates one block per order", "[order-book]") {
    heaphunt::Scope scope;
    {
        OrderBook book(4);                  // 1 block, 4 * 8 = 32 bytes
        book.add(1, 10'050, 100, 'B');      // 1 block, 24 bytes, each
        book.add(2, 10'075, 50, 'S');
        book.add(3, 10'025, 70, 'B');
        // While the book lives: 4 blocks, 32 + 3 * 24 = 104 bytes.
        heaphunt::Delta live = scope.delta();
        HEAPHUNT_EXPECT_ALLOCS(live, 4, 104);
        HEAPHUNT_EXPECT_LIVE(live, 4, 104);
    }
    heaphunt::Delta d = scope.delta();      // the destructor freed it all
    HEAPHUNT_EXPECT_ALLOCS(d, 4, 104);
    HEAPHUNT_EXPECT_NO_LEAKS(d);
}

TEST_CASE("cancel frees the order", "[order-book]") {
    OrderBook book(2);
    book.add(1, 10'050, 100, 'B');
    book.add(2, 10'075, 50, 'S');
    heaphunt::Scope scope;
    bool cancelled = book.cancel(1);
    // Nothing allocated, one order of 24 bytes freed.
    heaphunt::Delta d = scope.delta();
    CHECK(cancelled);
    HEAPHUNT_EXPECT_ALLOCS(d, 0, 0);
    HEAPHUNT_EXPECT_LIVE(d, -1, -24);
}

TEST_CASE("snapshot is one block owned by the caller", "[order-book]") {
    OrderBook book(8);
    for (int i = 0; i < 5; i++)
        book.add(i, 10'000 + i, 10 * i, 'S');
    heaphunt::Scope scope;
    {
        std::vector<Order> snap = book.snapshot();   // reserve(5): 5 * 24 bytes
        heaphunt::Delta d = scope.delta();
        HEAPHUNT_EXPECT_ALLOCS(d, 1, 120);
        HEAPHUNT_EXPECT_LIVE(d, 1, 120);
        HEAPHUNT_EXPECT_AT_MOST(d, writes_bytes, 120);
    }
    HEAPHUNT_EXPECT_NO_LEAKS(scope);
}

TEST_CASE("total quantity allocates and writes nothing", "[order-book]") {
    OrderBook book(4);
    book.add(1, 10'050, 100, 'B');
    book.add(2, 10'075, 50, 'S');
    book.add(3, 10'025, 70, 'B');
    heaphunt::Scope scope;
    int64_t total = book.total_quantity('B');
    heaphunt::Delta d = scope.delta();
    CHECK(total == 170);
    HEAPHUNT_EXPECT_ALLOCS(d, 0, 0);
    HEAPHUNT_EXPECT_COUNT(d, writes_bytes, 0);
}

// Catch2's SECTIONs run the test case once per section, from the top: each
// run makes its own book.  Entering a SECTION allocates Catch2's own
// bookkeeping (its name, a tracker node), so a scope that should see only
// the code under test starts inside the section.
TEST_CASE("sections each measure their own path", "[order-book]") {
    OrderBook book(3);                      // 3 * 8 = 24 bytes, before the scopes
    SECTION("one order") {
        heaphunt::Scope scope;
        book.add(1, 100, 1, 'B');           // 24 bytes
        HEAPHUNT_EXPECT_ALLOCS(scope, 1, 24);
    }
    SECTION("two orders, one cancelled") {
        heaphunt::Scope scope;
        book.add(1, 100, 1, 'B');
        book.add(2, 100, 1, 'S');
        book.cancel(1);
        heaphunt::Delta d = scope.delta();
        HEAPHUNT_EXPECT_ALLOCS(d, 2, 48);
        HEAPHUNT_EXPECT_LIVE(d, 1, 24);
    }
}

// A demonstration of a failure, hidden: the order is never freed.
// Expected report (at the line of each macro):
//   heaphunt: live blocks left in d: curr_blocks expected 0, got 1; curr_bytes expected 0, got 24
//   heaphunt: allocations in d: total_blocks expected 0, got 1; total_bytes expected 0, got 24
TEST_CASE("a leak is reported", "[.demo]") {
    heaphunt::Scope scope;
    Order *lost = new Order{1, 1, 1, 'B'};
    (void)lost;
    heaphunt::Delta d = scope.delta();
    HEAPHUNT_EXPECT_NO_LEAKS(d);
    HEAPHUNT_ASSERT_ALLOCS(d, 0, 0);
    FAIL("not reached: HEAPHUNT_ASSERT_ALLOCS is fatal");
}
