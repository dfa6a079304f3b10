#include "agents/slurm/slurm_time.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(SlurmTimeTest, AcceptsEveryDocumentedForm) {
  for (const char* ok : {"30", "600", "30:15", "1:00:00", "48:00:00", "2-0", "2-12", "2-12:30",
                         "2-12:30:45", "UNLIMITED", "infinite"}) {
    EXPECT_TRUE(IsValidSlurmTimeLimit(ok)) << ok;
  }
}

TEST(SlurmTimeTest, RejectsEverythingElse) {
  for (const char* bad : {"", "1h", "1:2:3:4", "1:60", "1:00:60", "2-24", "2-1:60", "-1",
                          "1-", "1--2", ":30", "1: 30", "2-1:2:3:4", "12345678", "forever"}) {
    EXPECT_FALSE(IsValidSlurmTimeLimit(bad)) << bad;
  }
}

}  // namespace
}  // namespace sweep
