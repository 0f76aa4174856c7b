// order_book.h: the code under test of the GoogleTest and Catch2 examples.
//
// An order book of fixed capacity: the constructor reserves room for every
// order it will ever hold (so its vector never grows), each order is one
// heap block owned through std::unique_ptr, and cancelling an order frees
// it.  Every allocation is therefore derivable by hand:
//
//   OrderBook(capacity)   1 block of capacity * 8 bytes (unique_ptr<Order>)
//   add(...)              1 block of sizeof(Order) = 24 bytes
//   cancel(id)            frees that order's 24 bytes
//   ~OrderBook()          frees every order left, and the vector's block
//   snapshot()            1 block of size() * 24 bytes (a std::vector<Order>
//                         built with reserve(size()) then push_back),
//                         freed by the caller
//   total_quantity()      allocates nothing
//
// Bytes are the sizes requested from operator new (libstdc++ on x86-64:
// sizeof(std::unique_ptr<Order>) == 8).

#ifndef ORDER_BOOK_H
#define ORDER_BOOK_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

struct Order {
    int64_t id;
    int64_t price_cents;
    int32_t quantity;
    char side;              // 'B'uy or 'S'ell
};
static_assert(sizeof(Order) == 24, "the counts in the tests assume a 24-byte Order");
static_assert(sizeof(std::unique_ptr<Order>) == 8, "a unique_ptr is one pointer");

class OrderBook {
public:
    explicit OrderBook(std::size_t capacity) : capacity_(capacity) {
        orders_.reserve(capacity);
    }

    void add(int64_t id, int64_t price_cents, int32_t quantity, char side) {
        if (orders_.size() == capacity_)
            throw std::length_error("order book full");
        orders_.push_back(std::unique_ptr<Order>(new Order{id, price_cents, quantity, side}));
    }

    bool cancel(int64_t id) {
        for (std::size_t i = 0; i < orders_.size(); i++) {
            if (orders_[i]->id == id) {
                orders_.erase(orders_.begin() + static_cast<std::ptrdiff_t>(i));
                return true;
            }
        }
        return false;
    }

    int64_t total_quantity(char side) const {
        int64_t total = 0;
        for (const auto &order : orders_)
            if (order->side == side)
                total += order->quantity;
        return total;
    }

    std::vector<Order> snapshot() const {
        std::vector<Order> copy;
        copy.reserve(orders_.size());
        for (const auto &order : orders_)
            copy.push_back(*order);
        return copy;
    }

    std::size_t size() const { return orders_.size(); }

private:
    std::size_t capacity_;
    std::vector<std::unique_ptr<Order>> orders_;
};

#endif
