/* heaphunt.h: client requests a program can make to heaphunt.
   Client requests: see docs/client-requests.md (to come).
   Installed next to valgrind.h by `make install`. */
#ifndef __HEAPHUNT_H
#define __HEAPHUNT_H

#include "valgrind.h"

#endif /* __HEAPHUNT_H */
