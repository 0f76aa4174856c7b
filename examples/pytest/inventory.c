/* inventory.c: the small C program that test_inventory.py profiles.

       inventory N      load N items, print the stock value, free the items

   It loads N inventory items (each a malloc'd struct), formats one report
   line per item into a malloc'd buffer that is freed right after it is
   written, and keeps a price table cached for the life of the process (never
   freed, on purpose: "still live at exit" that is not a bug).  Output goes
   through write(2) from stack buffers: stdio would allocate a buffer of its
   own, whose size depends on where stdout goes.

   Expected counts for `inventory N`, derived by hand (bytes are the sizes
   requested from malloc; see docs/json-format.md):

     site load_items:  the item pointer array, N x 8 bytes, 1 block (freed)
     site make_item:   one Item per item, sizeof(Item) = 32 (name) + 8 (qty)
                       + 8 (price_cents) = 48 bytes: N blocks, 48 x N bytes
                       (freed)
     site format_line: one 64-byte line buffer per item: N blocks,
                       64 x N bytes, each freed before the next is made
     site price_table: 1 block of 256 bytes (32 prices x 8), never freed

     Total:     8N + 48N + 64N + 256 = 120N + 256 bytes in 2N + 2 blocks
                (N = 10: 1,456 bytes in 22 blocks)
     At t-end:  256 bytes in 1 block (the price table)
     At t-gmax: the price table, the array and every item, plus the last
                line buffer: 256 + 8N + 48N + 64 = 56N + 320 bytes in
                N + 3 blocks (N = 10: 880 bytes in 13 blocks)

   Compile with -O0 (as the test does) so that every malloc/free written
   here is a call. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
   char name[32];
   int64_t qty;
   int64_t price_cents;
} Item;

enum { PRICE_SLOTS = 32, LINE_BYTES = 64 };

static int64_t *price_table;   /* cached for the process's life */

static void put_str(const char *s)
{
   ssize_t ignored = write(1, s, strlen(s));
   (void)ignored;
}

/* Decimal digits of v into buf (at least 21 bytes); returns the length. */
static size_t format_i64(char *buf, int64_t v)
{
   char digits[24];
   size_t n = 0, len = 0;
   uint64_t u = v < 0 ? (uint64_t)(-v) : (uint64_t)v;
   do {
      digits[n++] = (char)('0' + u % 10);
      u /= 10;
   } while (u != 0);
   if (v < 0) buf[len++] = '-';
   while (n > 0) buf[len++] = digits[--n];
   return len;
}

static void price_table_init(void)
{
   price_table = malloc(PRICE_SLOTS * sizeof *price_table);
   if (price_table == NULL) abort();
   for (int i = 0; i < PRICE_SLOTS; i++)
      price_table[i] = 100 + 25 * i;
}

static Item *make_item(int index)
{
   Item *item = malloc(sizeof *item);
   if (item == NULL) abort();
   memset(item->name, 0, sizeof item->name);
   memcpy(item->name, "item-", 5);
   format_i64(item->name + 5, index);
   item->qty = index + 1;
   item->price_cents = price_table[index % PRICE_SLOTS];
   return item;
}

static Item **load_items(int count)
{
   Item **items = malloc((size_t)count * sizeof *items);
   if (items == NULL) abort();
   for (int i = 0; i < count; i++)
      items[i] = make_item(i);
   return items;
}

/* "item-3 x4\n" in a fresh 64-byte buffer; the caller frees it. */
static char *format_line(const Item *item)
{
   char *line = malloc(LINE_BYTES);
   if (line == NULL) abort();
   size_t len = strlen(item->name);
   memcpy(line, item->name, len);
   line[len++] = ' ';
   line[len++] = 'x';
   len += format_i64(line + len, item->qty);
   line[len++] = '\n';
   line[len] = '\0';
   return line;
}

int main(int argc, char **argv)
{
   int count = argc > 1 ? atoi(argv[1]) : 10;
   if (count < 1) count = 1;

   price_table_init();
   Item **items = load_items(count);

   int64_t value_cents = 0;
   for (int i = 0; i < count; i++) {
      char *line = format_line(items[i]);
      put_str(line);
      free(line);
      value_cents += items[i]->qty * items[i]->price_cents;
   }

   char total[64] = "stock value (cents): ";
   size_t len = strlen(total);
   len += format_i64(total + len, value_cents);
   total[len++] = '\n';
   total[len] = '\0';
   put_str(total);

   for (int i = 0; i < count; i++)
      free(items[i]);
   free(items);
   return 0;
}
