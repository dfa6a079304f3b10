#include "agents/host/process_table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "agents/host/test_child.h"

namespace sweep {
namespace {

TEST(ParseProcStatTest, CommandWithSpacesAndParentheses) {
  // Fields 3..24 of proc(5): state ppid pgrp session tty tpgid flags minflt
  // cminflt majflt cmajflt utime stime cutime cstime priority nice threads
  // itrealvalue starttime vsize rss.
  auto stat = ParseProcStat(
      "1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 70 30 5 5 20 0 1 0 "
      "555 1000000 321 18446744073709551615");
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->pid, 1234);
  EXPECT_EQ(stat->ppid, 1);
  EXPECT_EQ(stat->pgrp, 1234);
  EXPECT_EQ(stat->cpu_ticks, 100u);  // utime + stime, children's time excluded
  EXPECT_EQ(stat->rss_pages, 321u);
  EXPECT_EQ(stat->state, 'S');
}

TEST(ParseProcStatTest, RejectsTruncatedLines) {
  EXPECT_FALSE(ParseProcStat("1234 (x) S 1 1234").ok());
  EXPECT_FALSE(ParseProcStat("garbage").ok());
}

TEST(ProcessTableTest, ReadsOwnProcess) {
  const ProcessTable table = ProcessTable::Read();
  const ProcessStat* self = table.Find(::getpid());
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(self->ppid, ::getppid());
  EXPECT_GT(self->rss_pages, 0u);
}

TEST(ProcessTableTest, TreeFindsDescendantsAndOrphansInTheGroup) {
  // The inner shell exits at once, so its `sleep` is reparented away from
  // the tree: only the process group still ties it to the trial.
  TestChild child("sh -c 'sleep 30 &'; sleep 30 & wait");
  ASSERT_GT(child.pid(), 0);
  std::vector<ProcessStat> tree;
  for (int attempt = 0; attempt < 100 && tree.size() < 3; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    tree = ProcessTable::Read().Tree(child.pid());
  }
  ASSERT_EQ(tree.size(), 3u);
  int orphans = 0;
  for (const ProcessStat& p : tree) {
    EXPECT_EQ(p.pgrp, child.pid());
    if (p.pid != child.pid() && p.ppid != child.pid()) ++orphans;
  }
  EXPECT_EQ(orphans, 1);
  EXPECT_TRUE(ProcessTable::Read().Tree(999999999).empty());
}

}  // namespace
}  // namespace sweep
