// order_book.cpp: five leaks among the standard containers, inside ordinary
// work that frees what it allocates.  `heaphunt report` names the five lines
// that leak as its first five findings (README.md).
//
//   g++ -std=c++17 -O0 -g -o order_book order_book.cpp
//
// Each leak is one line that allocates a container (and everything the
// container allocates, through the standard library's headers) and loses
// the pointer to it.  Sizes are those of libstdc++ (GCC 12, x86-64):
// sizeof(std::vector<T>) = 24, sizeof(std::string) = 32 (15 characters fit
// inside, a longer string has a heap buffer of its length + 1),
// sizeof(std::deque<int>) = 80 with 512-byte nodes of 128 ints,
// sizeof(std::shared_ptr<T>) = 16, and make_shared puts its control block
// (16 bytes: the vtable pointer and two 4-byte counts) and the object in
// one block.
//
// Lost at exit, derived by hand (each line is one place: its blocks have
// the line as their responsible frame, the library frames below it aside):
//
//   LEAK_PRICES  new std::vector<int>(PRICES = 1,000): the vector (24 B)
//                and its buffer (1,000 x 4 = 4,000 B): 4,024 B in 2 blocks
//   LEAK_LABEL   new std::string(LABEL_CHARS = 2,000, 'x'): the string
//                (32 B) and its buffer (2,001 B): 2,033 B in 2 blocks
//   LEAK_NOTES   new std::vector<std::string>(NOTES = 50, a string of
//                NOTE_CHARS = 100): the vector (24 B), its buffer (50 x 32 =
//                1,600 B) and 50 copies of the string's buffer (50 x 101 =
//                5,050 B): 6,674 B in 52 blocks (the string the copies are
//                made from is freed at the end of the line)
//   LEAK_QUEUE   new std::deque<int>(QUEUED = 3,000): the deque (80 B), its
//                map of node pointers (3,000 / 128 + 1 = 24 nodes, the map
//                max(8, 24 + 2) = 26 pointers: 208 B) and 24 nodes of 512 B
//                (12,288 B): 12,576 B in 26 blocks
//   LEAK_PEERS   two peers made by std::make_shared on one line, each
//                16 + sizeof(Peer) (a shared_ptr, 16 B, and its payload,
//                PAYLOAD = 3,000 B) = 3,032 B; each peer points at the other,
//                so their counts never reach 0 when the program drops them:
//                6,064 B in 2 blocks
//
//   Lost: 4,024 + 2,033 + 6,674 + 12,576 + 6,064 = 31,371 B in 84 blocks.
//
// Everything else is freed before exit: per order, a string key and a map
// node (ORDERS = 2,000 rounds of insert and erase: churn), one vector of
// 1,000,000 ints (4 MB: the peak) and an audit buffer.  libstdc++'s own
// emergency pool for exceptions, allocated before main, is freed at exit by
// Valgrind's call to libc's freeres.
//
// Findings, derived from the above: the five leaks are the only memory held
// to the end that is not start-up data, so they are the five memory-held
// findings, and memory held comes before waste and the peak: the first five
// findings are the five LEAK_ lines.  Among them, by bytes held x time held
// (all are made early, one after the other, and held to the end): the
// deque, the notes, the peers, the prices, the label.
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

enum { PRICES = 1000, LABEL_CHARS = 2000, NOTES = 50, NOTE_CHARS = 100, QUEUED = 3000,
       PAYLOAD = 3000, ORDERS = 2000, BIG = 1000000, AUDIT_BYTES = 16000 };

struct Peer {
    std::shared_ptr<Peer> next;
    char payload[PAYLOAD];
};

__attribute__((noinline)) static long load_prices()
{
    auto *prices = new std::vector<int>(PRICES); // LEAK_PRICES
    (*prices)[0] = 7;
    return (*prices)[0];
}

__attribute__((noinline)) static long make_label()
{
    auto *label = new std::string(LABEL_CHARS, 'x'); // LEAK_LABEL
    return (long)label->size();
}

__attribute__((noinline)) static long take_notes()
{
    auto *notes = new std::vector<std::string>(NOTES, std::string(NOTE_CHARS, 'n')); // LEAK_NOTES
    return (long)(*notes)[NOTES - 1].size();
}

__attribute__((noinline)) static long queue_work()
{
    auto *queue = new std::deque<int>(QUEUED); // LEAK_QUEUE
    queue->back() = 3;
    return queue->back();
}

__attribute__((noinline)) static long link_peers()
{
    std::shared_ptr<Peer> peers[2];
    for (auto &p : peers) p = std::make_shared<Peer>(); // LEAK_PEERS
    peers[0]->next = peers[1];
    peers[1]->next = peers[0];
    peers[0]->payload[0] = 1;
    return peers[0]->payload[0];
}

// Ordinary work, all freed: the order book's churn, a big temporary, an
// audit buffer.
__attribute__((noinline)) static long match_orders()
{
    std::map<std::string, int> book;
    long matched = 0;
    for (int i = 0; i < ORDERS; i++) {
        std::string key = "order-number-" + std::to_string(i);
        book[key] = i;
        matched += book.begin()->second;
        book.erase(key);
    }
    return matched;
}

__attribute__((noinline)) static long total_volume()
{
    std::vector<int> volume(BIG, 1);
    long sum = 0;
    for (int v : volume) sum += v;
    return sum;
}

__attribute__((noinline)) static void write_audit()
{
    std::vector<char> audit(AUDIT_BYTES);
    for (int i = 0; i < AUDIT_BYTES; i++) audit[i] = (char)i;
}

int main()
{
    long check = load_prices() + make_label() + take_notes() + queue_work() + link_peers();
    check += match_orders() + total_volume();
    write_audit();
    std::printf("%ld\n", check);
    return 0;
}
