// Only the reentrant (_r) API: every call takes the caller's context handle,
// so contexts can live one per thread.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
