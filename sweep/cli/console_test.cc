#include "sweep/cli/console.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace sweep::cli {
namespace {

// Sets TZ for one test (POSIX zone strings need no tz database) and restores it.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (old_) setenv("TZ", old_->c_str(), 1);
    else unsetenv("TZ");
    tzset();
  }

 private:
  std::optional<std::string> old_;
};

// 2026-12-03 13:05:12 UTC.
constexpr double kSomeTime = 1796303112;

TEST(FormatTimestamp, ShowsTheZoneOffset) {
  {
    ScopedTimeZone zone("CET-1");
    EXPECT_EQ(FormatTimestamp(kSomeTime), "2026-12-03 14:05:12 UTC+01:00");
  }
  {
    ScopedTimeZone zone("NST+3:30");
    EXPECT_EQ(FormatTimestamp(kSomeTime), "2026-12-03 09:35:12 UTC-03:30");
  }
  {
    ScopedTimeZone zone("UTC0");
    EXPECT_EQ(FormatTimestamp(kSomeTime), "2026-12-03 13:05:12 UTC");
  }
  EXPECT_EQ(FormatTimestamp(0), "-");
}

TEST(FormatBytesTest, PicksTheLargestUnitBelow1024) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(1023), "1023 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(12LL * 1024 * 1024), "12.0 MiB");
}

}  // namespace
}  // namespace sweep::cli
