/* access.c: access-heavy.  A few large blocks, allocated once, then many
   passes of loads and stores over them (a small stencil and a dot product).
   Almost no allocation: stresses the per-access path (the inline filter and
   the address-to-block lookup).

   Usage: access [N_PASSES]   (default 24). */
#include <stdio.h>
#include <stdlib.h>

#define N_ELEMS (1 << 20) /* 1 Mi doubles = 8 MiB per array */
#define DEFAULT_N_PASSES 24

int main(int argc, char **argv)
{
    int n_passes = argc > 1 ? atoi(argv[1]) : DEFAULT_N_PASSES;
    double *a = malloc(N_ELEMS * sizeof *a);
    double *b = malloc(N_ELEMS * sizeof *b);
    double *c = malloc(N_ELEMS * sizeof *c);
    if (a == NULL || b == NULL || c == NULL)
        return 1;
    for (long i = 0; i < N_ELEMS; i++) {
        a[i] = (double)(i % 1000) * 0.5;
        b[i] = (double)(i % 7);
        c[i] = 0.0;
    }
    double dot = 0.0;
    for (int pass = 0; pass < n_passes; pass++) {
        for (long i = 1; i < N_ELEMS - 1; i++)
            c[i] = 0.25 * a[i - 1] + 0.5 * a[i] + 0.25 * a[i + 1] + b[i];
        for (long i = 0; i < N_ELEMS; i++)
            dot += c[i] * b[i];
        double *t = a;
        a = c;
        c = t;
    }
    printf("access: %.3f\n", dot);
    free(a);
    free(b);
    free(c);
    return 0;
}
