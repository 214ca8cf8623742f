// The compiled part of Boost.Process v2, built exactly once for the whole program
// (Boost 1.81 ships it as a header to be included in one translation unit).
#include <boost/process/v2/src.hpp>
