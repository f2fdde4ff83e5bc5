#ifndef CPOSTGRES_SHIM_H
#define CPOSTGRES_SHIM_H
#include <postgresql/libpq-fe.h>
#endif
