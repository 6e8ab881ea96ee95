// doseplan::version(), declared in version.hpp.
#include "doseplan/version.hpp"

#ifndef DOSEPLAN_VERSION
#define DOSEPLAN_VERSION "0.0.0"
#endif

const char* doseplan::version() {
  return DOSEPLAN_VERSION;
}
