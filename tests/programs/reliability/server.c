/* server: a long-running process that allocates per request.  It reads
 * lines from stdin; each line is one request: handle_request keeps a
 * 256-byte buffer (never freed: the per-request growth a live profile
 * should show) and the server answers "done N" on stdout.  It exits 0 at
 * end of input.
 *
 * Expected (derived by hand): after N requests, the site handle_request
 * has tb = eb = 256 * N bytes in N blocks; between two dumps taken after
 * N1 and N2 requests it grows by 256 * (N2 - N1) bytes.
 */
#include "prog_util.h"

enum { REQUEST_BYTES = 256 };

__attribute__((noinline)) static void handle_request(void)
{
    char *state = malloc(REQUEST_BYTES);
    memset(state, 1, REQUEST_BYTES);
}

int main(void)
{
    char line[128];
    uint64_t served = 0;
    size_t used = 0;
    for (;;) {
        ssize_t got = read(0, line + used, 1);
        if (got <= 0)
            break;
        if (line[used] != '\n' && used + 1 < sizeof line) {
            used++;
            continue;
        }
        used = 0;
        handle_request();
        served++;
        put_str(1, "done ");
        put_u64(1, served);
        put_str(1, "\n");
    }
    return 0;
}
