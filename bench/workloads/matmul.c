/* matmul.c: access-heavy, vectorised.  C += A x B on three N x N matrices
   of doubles on the heap, in i-k-j order so that the inner loop streams
   over rows of B and C; gcc -O2 vectorises it (two doubles per load and
   store).  Many accesses per instruction executed, all hitting the same
   three blocks: the per-access cost with the least work around it.

   Usage: matmul [N]   (default 360: 46 million inner iterations; the
   benchmark runs N = 480, 110 million, so that accesses outweigh
   Valgrind's start-up). */
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_N 360

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : DEFAULT_N;
    double *a = malloc((size_t)(n * n) * sizeof *a);
    double *b = malloc((size_t)(n * n) * sizeof *b);
    double *c = calloc((size_t)(n * n), sizeof *c);
    if (a == NULL || b == NULL || c == NULL)
        return 1;
    for (long i = 0; i < n * n; i++) {
        a[i] = (double)(i % 7);
        b[i] = (double)(i % 5);
    }
    for (long i = 0; i < n; i++)
        for (long k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (long j = 0; j < n; j++)
                c[i * n + j] += aik * b[k * n + j];
        }
    printf("matmul: %.0f\n", c[n * n - 1]);
    free(a);
    free(b);
    free(c);
    return 0;
}
